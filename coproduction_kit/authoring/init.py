"""``workshop init DIR``: a folder of the kit's content that a programme adapts as its own.

Like ``nbgrader quickstart``, it copies the curriculum, the module notebooks, the facilitator
guides and the facilitator views into DIR, with a README saying what each folder is.  Run from
DIR, ``workshop serve``, ``check`` and ``prepare`` use DIR's content (``core/content.py``), and
the workshop's data goes in ``DIR/workshop-data``.  Nothing is overwritten: if DIR already holds
one of those folders or a README, it says so in plain words and writes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from coproduction_kit.core.content import FOLDERS, bundled_root

README = """\
# A workshop folder

Made by `workshop init`. The workshop kit uses the content of this folder whenever you run
`workshop` here, in this folder. Change it to fit your programme.

| folder | what it is |
| --- | --- |
| `curriculum/` | the series, its sessions and every module's exercises (YAML; `series.yaml` first) |
| `modules/` | the pages participants open, one notebook per module |
| `facilitator_guides/` | what facilitators read before and during each module |
| `facilitator_views/` | the room view, the projector, the session plan, the join card, the programme figures and the co-facilitators' links |

Run these commands in this folder:

- `workshop check`: checks the curriculum, the notebooks and the guides, and names each problem's file.
- `workshop prepare`: makes the nbgrader course and exchange from the curriculum.
- `workshop serve`: starts the workshop and prints the participants' and facilitators' links.

What participants write is kept in `workshop-data/`, which the first `workshop prepare` or
`workshop serve` here makes. Keep it out of anything you share or publish.
"""


class InitError(Exception):
    """``workshop init`` cannot make the folder; the message says why, in plain words."""


def init_folder(dest: Path) -> list[Path]:
    """Copy the kit's content into ``dest`` (made if missing) with a README; returns what it wrote.

    ``dest`` may already hold other things (a git repository, say); if it holds any of the four
    folders (not empty) or a README.md, nothing is written and the message names them.
    """
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise InitError(f"{dest} is a file. Give the name of a new or empty folder.")
    taken = [dest / name for name in FOLDERS if (dest / name).exists() and not _empty_folder(dest / name)]
    taken += [dest / "README.md"] if (dest / "README.md").exists() else []
    if taken:
        raise InitError(f"{dest} already has " + ", ".join(p.name for p in taken) + ", and init changes "
                        "nothing that exists. Give the name of a new or empty folder.")
    source = bundled_root()
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in FOLDERS:
        # copy, not copy2: the files are the programme's own from now on, with today's dates.
        shutil.copytree(source / folder, dest / folder, copy_function=shutil.copy, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        written.append(dest / folder)
    readme = dest / "README.md"
    readme.write_text(README, encoding="utf-8")
    written.append(readme)
    return written


def _empty_folder(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())
