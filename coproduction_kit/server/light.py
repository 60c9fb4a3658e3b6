"""A module page light enough for a phone on a room's shared Wi-Fi.

A participant notices only that the page arrives sooner; measured with
``benchmarks/page_weight.py`` (BENCHMARKS.md, "Page weight on a phone"):

- pages, scripts and styles go out gzip-compressed to every browser that accepts it (tornado's own
  ``GZipContentEncoding``; Voilà applies its ``tornado_settings`` only after building the
  application, too late for tornado's ``compress_response`` setting, which the hub's single-user
  servers do read); the kernel's WebSocket is compressed too (``app.py``'s settings);
- a JupyterLab extension's file whose name carries its content's hash is kept by the browser for a
  year, so a second visit asks nothing for it (Voilà marks them all "no-cache");
- the JupyterLab extensions a module page never uses are not loaded: nbgrader's (formgrader lives
  in the facilitators' JupyterLab), the Notebook's toolbar links, and code highlighting (the pages
  show no code).  Widget extensions, including ones installed later, still load, except those an
  exercise kind names as its ``front_end`` (the power map's anywidget): a page loads one only if its
  notebook shows that kind (``keep_needed_extensions``, Voilà's ``page_config_hook``);
- no MathJax: Voilà's front end loads MathJax 3 (17 scripts, about 1 MB unpacked) on every page to
  typeset mathematics, and the workshop's pages have none; a page names instead the template's
  ``no-typesetting.js``, 0.5 kB that typesets nothing (``no_typesetting``). A notebook that does need
  mathematics, in a programme's own module, sets ``workshop: {"mathematics": true}`` in its metadata;
- the widgets are drawn by the kit's light front end (front/, the template's ``static/light-front.js``:
  ipywidgets' manager on one kernel connection, 0.2 MB compressed), not Voilà's JupyterLab
  application (about 1 MB): interactive at 4x CPU in 1.8-3.0 s against 5-9 s (``light_front``;
  ``--front voila`` keeps Voilà's, and so does a page that asks for mathematics). The facilitator
  views use ``light_page`` too: in the facilitators' JupyterLab (``serve.py`` writes it into its
  config), on the co-facilitators' server and on JupyterHub, so a co-facilitator's phone draws the
  room view as quickly as a participant's draws a module.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.utils import url_path_join
from tornado.web import Application, GZipContentEncoding

from coproduction_kit.core.kinds import KINDS

UNUSED_EXTENSIONS = ["@jupyter/nbgrader", "@jupyter-notebook/lab-extension", "jupyterlab_pygments"]
# extension -> the notebook calls that show a kind needing it, e.g. {"anywidget": ["power_map"]}
ON_DEMAND: dict[str, list[str]] = {}
for _kind in KINDS.values():
    if _kind.front_end:
        ON_DEMAND.setdefault(_kind.front_end, []).append(_kind.call)
del _kind

# remoteEntry.c8c9eed2cdefde7d.js, 84.09c61a35dce1705f.js, anywidget's main.15ebcf03.js: webpack
# names a built file by its content.
_HASHED = re.compile(r"\.[0-9a-f]{8,}\.js$")
A_YEAR = "public, max-age=31536000, immutable"


class VersionedFileHandler(FileFindHandler):
    """Voilà's handler for JupyterLab extensions' files, with a year's caching for hashed names."""

    def set_headers(self) -> None:
        super().set_headers()
        if _HASHED.search(self.request.path):
            self.set_header("Cache-Control", A_YEAR)


def compress(app: Application) -> None:
    """Every response of ``app`` gzip-compressed when the browser accepts it (text, JS, JSON, SVG)."""
    if GZipContentEncoding not in app.transforms:
        app.add_transform(GZipContentEncoding)


@functools.lru_cache(maxsize=64)
def _what_it_needs(notebook: Path, version: tuple[int, int]) -> tuple[frozenset[str], bool]:
    """(the on-demand extensions a notebook's code cells call for, whether its metadata asks for
    mathematics), read once per version of the file."""
    content = json.loads(notebook.read_text("utf-8"))
    code = "\n".join("".join(cell["source"]) for cell in content["cells"] if cell["cell_type"] == "code")
    calls = frozenset(name for name, calls in ON_DEMAND.items()
                      if any(re.search(rf"\b{re.escape(call)}\s*\(", code) for call in calls))
    return calls, bool(content.get("metadata", {}).get("workshop", {}).get("mathematics"))


def _needs(notebook_path: str, root_dir: str = "") -> tuple[frozenset[str], bool] | None:
    """``_what_it_needs`` of a page's notebook; None when it cannot be read."""
    notebook = Path(root_dir or ".", notebook_path)
    try:
        stat = notebook.stat()
        return _what_it_needs(notebook.resolve(), (stat.st_mtime_ns, stat.st_size))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def needed_extensions(notebook_path: str, root_dir: str = "") -> frozenset[str] | None:
    """Which on-demand extensions a page needs; None when its notebook cannot be read (then all load)."""
    needs = _needs(notebook_path, root_dir)
    return None if needs is None else needs[0]


def keep_needed_extensions(page_config: dict, base_url: str, settings: dict, log, voila_configuration,
                           notebook_path: str, **_) -> dict:
    """Voilà's ``page_config_hook``: a page lists an on-demand extension only if its notebook uses it."""
    manager = settings.get("contents_manager")
    needed = needed_extensions(notebook_path, getattr(manager, "root_dir", ""))
    if needed is None:
        return page_config
    unused = set(ON_DEMAND) - needed
    page_config["federated_extensions"] = [
        extension for extension in page_config.get("federated_extensions", []) if extension["name"] not in unused]
    return page_config


NO_TYPESETTING = "voila/templates/workshop/static/no-typesetting.js"


def no_typesetting(page_config: dict, base_url: str, settings: dict, log, voila_configuration,
                   notebook_path: str = "", **_) -> dict:
    """Voilà's ``page_config_hook``: the page loads a typesetter that does nothing instead of MathJax,
    unless its notebook's metadata asks for mathematics (``{"workshop": {"mathematics": true}}``) or
    cannot be read (then as Voilà would have it)."""
    needs = _needs(notebook_path, getattr(settings.get("contents_manager"), "root_dir", ""))
    if needs is None or needs[1]:
        return page_config
    # Voilà's front end loads a MathJax 2 script from this address (fullMathjaxUrl) instead of MathJax 3.
    page_config["fullMathjaxUrl"] = url_path_join(base_url, NO_TYPESETTING)
    page_config["mathjaxConfig"] = "none"
    return page_config


# Which front end draws a participant's widgets (``WorkshopVoila.front``, ``--front``): "light" (front/,
# built into the template's static/light-front.js: ipywidgets' manager on one kernel connection,
# interactive at 4x CPU in 1.8-3.0 s, BENCHMARKS.md) or "voila" (Voilà's JupyterLab application,
# 5-9 s), the fallback a facilitator can start with if a page misbehaves.
FRONTS = ("light", "voila")


def light_front(page_config: dict, front: str = "light", mathematics: bool = False) -> dict:
    """The page's config says which front end draws its widgets: "light" unless the server was
    started with ``--front voila`` or the page needs typesetting (the light front end has no MathJax);
    otherwise nothing is added and Voilà's own front end runs."""
    if front not in FRONTS:
        raise ValueError(f"front must be one of {FRONTS}, not {front!r}")
    if front == "light" and not mathematics:
        page_config["workshopFront"] = "light"
    return page_config


def light_page(page_config: dict, base_url: str, settings: dict, log, voila_configuration,
               notebook_path: str, front: str = "light", **extra) -> dict:
    """The participants' ``page_config_hook``: only the extensions the page uses, no MathJax, and the
    light front end unless ``front`` is "voila"."""
    page_config = keep_needed_extensions(page_config, base_url, settings, log, voila_configuration,
                                         notebook_path=notebook_path, **extra)
    page_config = no_typesetting(page_config, base_url, settings, log, voila_configuration, notebook_path=notebook_path)
    # A notebook that cannot be read, or asks for mathematics, keeps Voilà's front end (and MathJax).
    return light_front(page_config, front, mathematics=page_config.get("mathjaxConfig") != "none")
