"""``workshop check``: the whole curriculum, its notebooks and guides, checked as one lesson.

In the spirit of the Carpentries lesson validator, every problem is named with its file (and
line or cell, where there is one) and nothing stops at the first problem:

- every YAML file against its schema (with the line of the offending value), and ``kinds.yaml``
  has minutes for every exercise kind the kit has;
- every ready module has a notebook and a facilitator guide;
- exercise ids are unique; each is used by exactly one notebook call of the matching kind, and
  every call names a declared exercise; optional exercises (``core: false``) come after the core ones;
- each session's minutes add up within its length, and each module's core exercises fit its
  exercise minutes and the half-day's kept ones its half-day minutes after teaching (``timing.py``);
- every (Author, year) cited in a notebook is in the module's references;
- relative links resolve, images have alt text, notebooks carry no outputs;
- each guide's timing table is the one generated from the data (``workshop guides`` rewrites it),
  and each module's guide says what to cut when time runs short;
- every cited reference has a row in the claims audit, and each row's file exists (``claims.py``);
- every module and guide has its contributors, with CRediT roles (``contributors.py``).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from coproduction_kit.core.curriculum import (
    Curriculum, CurriculumError, is_core, load_curriculum, validate,
)
from coproduction_kit.core.kinds import CALLS, KINDS, MINUTES_FILE  # CALLS: notebook call -> the kind it shows

from coproduction_kit.authoring.claims import claims_problems
from coproduction_kit.authoring.contributors import contributors_problems
from coproduction_kit.authoring.data_file import checked_data_file
from coproduction_kit.authoring.guides import timing_block_problem
from coproduction_kit.authoring.timing import timing_problems

MODULE_CALLS = {"welcome", "keypoints", "submit", "check_in", "debrief"}
_CALL = re.compile(r'\b([a-z_]+)\(\s*"([^"]*)"\s*\)')
_CITATION = re.compile(r"\(([^()]*?(?:\b\d{4}[a-z]?|\bn\.d\.))\)")
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@functools.lru_cache(maxsize=16)
def _composed(text: str) -> yaml.Node | None:
    """A YAML text's node tree (with line marks): a check asks for a line per row of a table, and
    composing the file again each time made ``workshop check`` take seconds."""
    return yaml.compose(text)


def _yaml_line(path: Path, location: list) -> int | None:
    """The line of the value at ``location`` (a list of keys and indexes) in a YAML file."""
    try:
        node = _composed(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    for key in location:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            break
        node = match
    return node.start_mark.line + 1 if node is not None else None


def schema_problems(curriculum: Curriculum) -> list[Problem]:
    problems = []
    for message in validate(curriculum):
        # validate() says "<file>: <a/b/0/c>: <message>"; find the line of that path.
        file, where, text = message.split(": ", 2)
        location = [int(p) if p.isdigit() else p for p in where.split("/")] if where != "(top level)" else []
        line = _yaml_line(Path(file), location)
        problems.append(Problem(f"{file}:{line}" if line else file, f"{where}: {text}"))
    return problems


def kinds_problems(curriculum: Curriculum) -> list[Problem]:
    """``kinds.yaml`` (minutes per kind) against its schema, with a line for every kind and no other.

    A workshop folder made before the file existed has none; that is not a problem yet.
    """
    path, data, found = checked_data_file(curriculum, MINUTES_FILE, "kinds", _yaml_line)
    problems = [Problem(where, message) for where, message in found]
    listed = data.get("kinds") if isinstance(data, dict) else None
    if isinstance(listed, dict):
        problems += [Problem(str(path), f"kind {name!r} has no minutes") for name in KINDS if name not in listed]
        problems += [Problem(f"{path}:{_yaml_line(path, ['kinds', name])}", f"{name!r} is not an exercise kind")
                     for name in listed if name not in KINDS]
    return problems


def notebook_cells(path: Path) -> list[dict]:
    return json.loads(path.read_text("utf-8"))["cells"]


def notebook_problems(root: Path, curriculum: Curriculum) -> list[Problem]:
    problems = []
    used: dict[str, list[str]] = {}
    for module_id, module in curriculum.modules.items():
        path = root / "modules" / f"{module_id}.ipynb"
        if not path.exists():
            problems.append(Problem(str(path), f"module {module_id!r} is ready in series.yaml but has no notebook"))
            continue
        if not (root / "facilitator_guides" / f"{module_id}.md").exists():
            problems.append(Problem(str(root / "facilitator_guides" / f"{module_id}.md"),
                                    f"module {module_id!r} has no facilitator guide"))
        kinds = {e["id"]: e["kind"] for e in module["exercises"]}
        optional = {e["id"] for e in module["exercises"] if not is_core(e)}
        first_optional = None  # optional exercises come after every core one
        cites = {r["cite"] for r in module.get("references", [])}
        for number, cell in enumerate(notebook_cells(path), start=1):
            where = f"{path}: cell {number}"
            source = "".join(cell["source"])
            if cell["cell_type"] == "code":
                if cell.get("outputs") or cell.get("execution_count"):
                    problems.append(Problem(where, "has outputs; clear them before committing"))
                for call, argument in _CALL.findall(source):
                    if call in MODULE_CALLS:
                        if argument != module_id:
                            problems.append(Problem(where, f'{call}("{argument}") names another module'))
                        if call in ("check_in", "debrief"):
                            used.setdefault(f"{module_id}.{call.replace('_', '-')}", []).append(where)
                    elif call in CALLS:
                        used.setdefault(argument, []).append(where)
                        if argument not in kinds:
                            problems.append(Problem(where, f"{argument!r} is not an exercise of {module_id}.yaml"))
                        elif kinds[argument] != CALLS[call]:
                            problems.append(Problem(where, f"{argument} is a {kinds[argument]}; {call}() shows a {CALLS[call]}"))
                        if argument in optional:
                            first_optional = first_optional or argument
                        elif argument in kinds and first_optional:
                            problems.append(Problem(where, f"core exercise {argument} comes after optional "
                                                           f"{first_optional}; put optional exercises after the core ones"))
            else:
                problems += markdown_problems(where, source, path.parent)
                for citation in _CITATION.findall(source):
                    for cite in re.split(r";\s*|,\s*cited in\s+", " ".join(citation.split())):
                        cite = cite.strip()
                        if re.search(r"(\b\d{4}[a-z]?|\bn\.d\.)$", cite) and cite not in cites:
                            problems.append(Problem(where, f"cites ({cite}), which is not in {module_id}.yaml's references"))
        for exercise_id in kinds:
            if exercise_id not in used:
                problems.append(Problem(str(path), f"exercise {exercise_id} is declared but no cell shows it"))
    for exercise_id, places in used.items():
        if len(places) > 1:
            problems.append(Problem(places[1], f"{exercise_id} is shown more than once (also {places[0]})"))
    return problems


def markdown_problems(where: str, text: str, folder: Path) -> list[Problem]:
    problems = []
    for bang, label, target in _LINK.findall(text):
        if bang and not label.strip():
            problems.append(Problem(where, f"image {target} has no alt text"))
        if not re.match(r"^(https?:|mailto:|#)", target):
            if not (folder / target.split("#")[0]).exists():
                problems.append(Problem(where, f"link to {target} does not resolve"))
    for tag in _IMG_TAG.findall(text):
        if not re.search(r'\balt="[^"]+"', tag):
            problems.append(Problem(where, f"image {tag[:60]} has no alt text"))
    return problems


def guide_problems(root: Path, curriculum: Curriculum) -> list[Problem]:
    problems = []
    for guide in sorted((root / "facilitator_guides").glob("*.md")):
        text = guide.read_text("utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            problems += markdown_problems(f"{guide}:{number}", line, guide.parent)
        if guide.stem in curriculum.modules:
            message = timing_block_problem(text, curriculum, guide.stem)
            if message:
                problems.append(Problem(str(guide), message))
            if not re.search(r"^## When time runs short\s*$", text, re.M):
                problems.append(Problem(str(guide), "has no '## When time runs short' section (what to cut first)"))
    return problems


def session_problems(curriculum: Curriculum) -> list[Problem]:
    problems = []
    where = str(curriculum.folder / "series.yaml")
    listed = {m["id"] for m in curriculum.series["modules"]}
    for fmt in curriculum.series["formats"]:
        for session in fmt["sessions"]:
            name = f"format {fmt['id']}, session {session['number']}"
            unknown = [m for m in session["modules"] if m not in listed]
            if unknown:
                problems.append(Problem(where, f"{name}: unknown module(s) {', '.join(unknown)}"))
                continue
            minutes = [curriculum.minutes(m, short=session.get("short", False)) for m in session["modules"]]
            total = session["check_in"] + session["break"] + session["debrief"] + sum(m for m in minutes if m)
            if total > fmt["session_minutes"]:
                problems.append(Problem(
                    where, f"{name}: {total} minutes planned, more than the session's {fmt['session_minutes']}"
                ))
    return problems


def check(root: Path) -> list[Problem]:
    """Every problem in the curriculum at ``root`` (the project folder); empty when all is well."""
    try:
        curriculum = load_curriculum(root / "curriculum")
    except CurriculumError as err:
        return [Problem(*str(err).split(": ", 1))] if ": " in str(err) else [Problem(str(root), str(err))]
    return (
        schema_problems(curriculum)
        + kinds_problems(curriculum)
        + notebook_problems(root, curriculum)
        + session_problems(curriculum)
        + [Problem(where, message) for where, message in timing_problems(curriculum)]
        + guide_problems(root, curriculum)
        + [Problem(where, message) for where, message in claims_problems(root, curriculum, _yaml_line)]
        + [Problem(where, message) for where, message in contributors_problems(root, curriculum, _yaml_line)]
    )
