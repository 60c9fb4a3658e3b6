"""The claims audit (``curriculum/claims.yaml``), as ``workshop check`` sees it.

A facilitator or service-user educator who doubts a sentence in a module can find, in one table, the
source it rests on, where in that source to look, and whether anyone has checked it. This module
says what is missing from that table:

- the table against its schema (``curriculum/schema/claims.schema.json``);
- every reference that a module's notebook, data or facilitator guide cites (by its ``cite``, as an
  exercise's ``source``, or, for the CanMEDS framework, by tagging objectives with roles) has at
  least one row;
- every (Author, year) a guide cites is a known reference: in some module's ``references`` or in
  the table's own ``sources``;
- every row names a file that exists and a source the kit knows.

Problems come back as ``(where, message)`` pairs; ``check.py`` turns them into its ``Problem``.
A workshop folder made before the table existed has none; that is not a problem yet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from coproduction_kit.authoring.data_file import checked_data_file
from coproduction_kit.core.curriculum import Curriculum

CLAIMS_FILE = "claims.yaml"
CANMEDS_REFERENCE = "frank2015"  # the CanMEDS 2015 framework, cited by every objective's role tags
_CITATION = re.compile(r"\(([^()]*?(?:\b\d{4}[a-z]?|\bn\.d\.))\)")
_AUTHOR_YEAR = re.compile(r"^[A-Z][^,()]*?(?:,[^,()]+?)*,\s*(?:\d{4}[a-z]?|n\.d\.)$")

LineOf = Callable[[Path, list], "int | None"]


def _markdown_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text("utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def known_references(curriculum: Curriculum, table: dict) -> dict[str, str]:
    """Every reference the kit knows, as ``{cite: id}``: the modules' and the table's own."""
    known = {r["cite"]: r["id"] for m in curriculum.modules.values() for r in m.get("references", [])}
    known.update({s["cite"]: s["id"] for s in table.get("sources", []) if isinstance(s, dict)})
    return known


def cited_references(root: Path, curriculum: Curriculum, known: dict[str, str]) -> dict[str, list[str]]:
    """Which files cite each reference id, from the module data, the notebooks and the guides."""
    cited: dict[str, list[str]] = {}

    def cite(ref_id: str, where: Path) -> None:
        places = cited.setdefault(ref_id, [])
        if str(where) not in places:
            places.append(str(where))

    texts: list[tuple[Path, str]] = []
    for module_id, module in curriculum.modules.items():
        data_file = curriculum.folder / "modules" / f"{module_id}.yaml"
        body = {key: value for key, value in module.items() if key != "references"}
        texts.append((data_file, json.dumps(body, ensure_ascii=False)))
        for exercise in module.get("exercises", []):
            if exercise.get("source"):
                cite(exercise["source"], data_file)
        if any(objective.get("canmeds") for objective in module.get("objectives", [])):
            cite(CANMEDS_REFERENCE, data_file)
        notebook = root / "modules" / f"{module_id}.ipynb"
        if notebook.exists():
            texts.append((notebook, _markdown_of(notebook)))
    for guide in sorted((root / "facilitator_guides").glob("*.md")):
        texts.append((guide, guide.read_text("utf-8")))
    for where, text in texts:
        for name, ref_id in known.items():
            if name in text:
                cite(ref_id, where)
    return cited


def unknown_guide_citations(root: Path, known: dict[str, str]) -> list[tuple[str, str]]:
    """(Author, year) citations in guides that name no reference the kit knows."""
    problems = []
    for guide in sorted((root / "facilitator_guides").glob("*.md")):
        for number, line in enumerate(guide.read_text("utf-8").splitlines(), start=1):
            for citation in _CITATION.findall(line):
                for name in re.split(r";\s*", " ".join(citation.split())):
                    name = name.strip()
                    if _AUTHOR_YEAR.match(name) and name not in known:
                        problems.append((f"{guide}:{number}", f"cites ({name}), which is in no module's "
                                         f"references and not in {CLAIMS_FILE}'s sources"))
    return problems


def claims_problems(root: Path, curriculum: Curriculum, line_of: LineOf) -> list[tuple[str, str]]:
    """Everything missing from or wrong in the claims table; empty when every citation has its row."""
    path, table, problems = checked_data_file(curriculum, CLAIMS_FILE, "claims", line_of)
    if problems or not isinstance(table, dict):
        return problems

    known = known_references(curriculum, table)
    rows = table["claims"]
    with_rows = {row["source"] for row in rows}
    for ref_id, places in sorted(cited_references(root, curriculum, known).items()):
        if ref_id not in with_rows:
            problems.append((places[0], f"cites {ref_id}, which has no row in {path}"
                             + (f" (also cited in {', '.join(places[1:])})" if len(places) > 1 else "")))
    problems += unknown_guide_citations(root, known)
    known_ids = set(known.values())
    for number, row in enumerate(rows):
        where = f"{path}:{line_of(path, ['claims', number]) or ''}".rstrip(":")
        if not (root / row["file"]).exists():
            problems.append((where, f"claims/{number}: {row['file']} does not exist"))
        if row["source"] not in known_ids:
            problems.append((where, f"claims/{number}: source {row['source']!r} is in no module's references "
                                    f"and not in the table's sources"))
    return problems
