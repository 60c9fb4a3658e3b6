"""Who made each module and guide (``curriculum/contributors.yaml``), for the plan and the check.

A facilitator printing the session plan sees, under "About this kit", the kit's contributor
statement, how a programme adapts the kit with its service-user educators (who drafts, who edits,
who has the last word, how people are paid and credited), and for every module the people credited,
by the name each chose, with their CRediT roles. ``workshop check`` says which module or guide has
no entry, and which entry names a file or a contributor that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coproduction_kit.authoring.data_file import checked_data_file
from coproduction_kit.core.curriculum import Curriculum, read_yaml

CONTRIBUTORS_FILE = "contributors.yaml"
ADAPTING = [("drafts", "Who drafts"), ("edits", "Who edits"), ("last_word", "Who has the last word"),
            ("paid", "How people are paid"), ("credited", "How people are credited")]


def load_contributors(curriculum_folder: Path) -> dict | None:
    """The contributors file, or None in a workshop folder made before it existed."""
    path = Path(curriculum_folder) / CONTRIBUTORS_FILE
    return read_yaml(path) if path.exists() else None


def contributors_problems(root: Path, curriculum: Curriculum,
                          line_of: Callable[[Path, list], int | None]) -> list[tuple[str, str]]:
    path, data, problems = checked_data_file(curriculum, CONTRIBUTORS_FILE, "contributors", line_of)
    if problems or data is None:
        return problems
    people = {c["id"] for c in data["contributors"]}
    credited = {w["file"] for w in data["works"]}
    wanted = [f"curriculum/modules/{m}.yaml" for m in curriculum.modules]
    wanted += [f"facilitator_guides/{g.name}" for g in sorted((root / "facilitator_guides").glob("*.md"))]
    problems += [(str(root / f), f"has no entry in {path} (who made it, with CRediT roles)")
                 for f in wanted if f not in credited]
    for number, work in enumerate(data["works"]):
        where = f"{path}:{line_of(path, ['works', number]) or ''}".rstrip(":")
        if not (root / work["file"]).exists():
            problems.append((where, f"works/{number}: {work['file']} does not exist"))
        problems += [(where, f"works/{number}: {c['who']!r} is not in the contributors list")
                     for c in work["credits"] if c["who"] not in people]
    return problems


def credits_of(data: dict | None, file: str) -> tuple[str, str]:
    """One work's credits, "Name (roles); …", and where its review stands; ("", "") if none are recorded."""
    work = next((w for w in (data or {}).get("works", []) if w["file"] == file), None)
    if not work:
        return "", ""
    names = {c["id"]: c["name"] for c in data["contributors"]}
    return "; ".join(f"{names.get(c['who'], c['who'])} ({', '.join(c['roles'])})" for c in work["credits"]), work["review"]
