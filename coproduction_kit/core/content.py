"""Where the workshop's content is: the curriculum, module notebooks, guides and facilitator views.

A programme adapts the kit in a folder of its own (``workshop init DIR`` copies the content there);
run from that folder, the kit uses it.  Anywhere else it uses the content that ships with the kit:
inside the installed package (a wheel carries it in ``coproduction_kit/content/``), or, in a
checkout of the repository, the folders at its top.
"""

from __future__ import annotations

from pathlib import Path

# The four folders a workshop's content is made of, as they sit side by side in a workshop folder.
FOLDERS = ("curriculum", "modules", "facilitator_guides", "facilitator_views")
_MARKER = Path("curriculum") / "series.yaml"
_PACKAGE = Path(__file__).resolve().parent.parent


def is_content_root(folder: Path) -> bool:
    """Whether ``folder`` holds a workshop's content (its curriculum's ``series.yaml``)."""
    return (Path(folder) / _MARKER).is_file()


def bundled_root() -> Path:
    """The content that ships with the kit: in the package when installed, else the checkout's."""
    for candidate in (_PACKAGE / "content", _PACKAGE.parent):
        if is_content_root(candidate):
            return candidate
    raise FileNotFoundError(f"the kit's content is missing: no {_MARKER} in {_PACKAGE / 'content'} "
                            f"or {_PACKAGE.parent}; reinstall the kit")


def content_root(start: Path | None = None) -> Path:
    """The folder whose content this workshop uses: ``start`` (the current folder by default) if
    it holds a workshop's content, otherwise the kit's own."""
    here = Path(start) if start is not None else Path.cwd()
    return here.resolve() if is_content_root(here) else bundled_root()
