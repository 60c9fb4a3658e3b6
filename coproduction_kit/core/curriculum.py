"""The curriculum as data: the series order, each module's entry and its exercises by stable id.

Module notebooks never type a prompt: they name an exercise id, and the prompt, kind and
options come from ``curriculum/modules/<module>.yaml``.  Reading is cheap (no schema
validation here, so a participant's kernel starts fast); ``workshop check`` and
``workshop prepare`` validate the files against ``curriculum/schema``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

try:  # the C loader is several times faster where libyaml is present
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the wheel
    _Loader = yaml.SafeLoader

SCHEMA_VERSION = 1


class CurriculumError(ValueError):
    """A curriculum file is missing, unreadable or malformed; the message names the file."""


@dataclass(frozen=True)
class Curriculum:
    folder: Path
    series: dict
    modules: dict  # module id -> module entry, for the modules that are ready, in series order
    planned: dict  # module id -> title, for modules announced but not yet written
    evaluation: dict | None = None  # curriculum/evaluation.yaml: the matched statements (None: no file)

    def module(self, module_id: str) -> dict:
        try:
            return self.modules[module_id]
        except KeyError:
            known = ", ".join(self.modules) or "none"
            state = " (planned, not written yet)" if module_id in self.planned else ""
            raise CurriculumError(
                f"No module {module_id!r}{state} in {self.folder / 'series.yaml'}; ready modules: {known}"
            ) from None

    def exercise(self, exercise_id: str) -> dict:
        if exercise_id == FOLLOW_UP_EXERCISE and self.evaluation is not None:
            return follow_up_exercise(self.evaluation)
        module_id = exercise_id.split(".", 1)[0]
        for exercise in self.module(module_id).get("exercises", []):
            if exercise["id"] == exercise_id:
                return exercise
        raise CurriculumError(
            f"No exercise {exercise_id!r} in {self.folder / 'modules' / (module_id + '.yaml')}"
        )

    def exercises(self, module_id: str) -> list[dict]:
        return list(self.module(module_id).get("exercises", []))

    def title(self, module_id: str) -> str:
        return self.modules[module_id]["title"] if module_id in self.modules else self.planned[module_id]

    def minutes(self, module_id: str, short: bool = False) -> int | None:
        """A ready module's minutes (its half-day length when ``short``); None for a planned one."""
        if module_id not in self.modules:
            return None
        minutes = self.modules[module_id]["minutes"]
        if short and "short" in minutes:
            return minutes["short"]
        return minutes["teaching"] + minutes["exercises"]


def is_core(exercise: dict) -> bool:
    """Whether an exercise is core (``core:``, true unless the data say otherwise)."""
    return exercise.get("core", True)


def in_half_day(exercise: dict) -> bool:
    """Whether the half-day keeps an exercise (``half_day:``, by default whether it is core)."""
    return exercise.get("half_day", is_core(exercise))


def session_rows(curriculum: Curriculum, session: dict) -> list[tuple[str, int | None]]:
    """(segment, minutes) for one session, in order; None minutes for a module not written yet."""
    short = session.get("short", False)
    rows = [("Check-in", session["check_in"])]
    for index, module_id in enumerate(session["modules"]):
        minutes = curriculum.minutes(module_id, short=short)
        title = curriculum.title(module_id)
        if minutes is None:
            rows.append((f"{title} (planned, not written yet)", None))
        elif short and "short_teaching" in curriculum.module(module_id)["minutes"]:
            teaching = curriculum.module(module_id)["minutes"]["short_teaching"]
            rows.append((f"{title}: content and discussion", teaching))
            rows.append((f"{title}: exercises", minutes - teaching))
        elif short:
            rows.append((f"{title}", minutes))
        else:
            split = curriculum.module(module_id)["minutes"]
            rows.append((f"{title}: content and discussion", split["teaching"]))
            rows.append((f"{title}: exercises", split["exercises"]))
        if index == len(session["modules"]) // 2 - 1 or len(session["modules"]) == 1:
            rows.append(("Break", session["break"]))
    rows.append(("Debrief", session["debrief"]))
    return rows


# The check-in opens and the debrief closes every session: each module gets its own copy.
SHARED_EXERCISES = ("check-in", "debrief")


def with_shared_exercises(module: dict, series: dict) -> dict:
    entry = dict(module)
    shared = {
        name: {"id": f"{module['id']}.{name}", "kind": "reflection", "level": name,
               "prompt": series[name.replace("-", "_")]["prompt"], "shared": True}
        for name in SHARED_EXERCISES
    }
    entry["exercises"] = [shared["check-in"], *module["exercises"], shared["debrief"]]
    return entry


# The evaluation's matched statements (curriculum/evaluation.yaml) are written once; each module
# exercise of kind ``matched_items`` gets them as its ``items`` when the curriculum is read.  The
# follow-up, months later, is no module's: its one exercise is made from the same file.
EVALUATION_FILE = "evaluation.yaml"
FOLLOW_UP, FOLLOW_UP_EXERCISE = "follow-up", "follow-up.evaluation"
MATCHED = "matched_items"


def evaluation_items(evaluation: dict) -> list[dict]:
    """Each statement with its own scale (the file's common scale unless it gives one)."""
    return [{"scale": evaluation["scale"], **item} for item in evaluation["items"]]


def follow_up_exercise(evaluation: dict) -> dict:
    """The follow-up page's one exercise: the same statements, asked again with the pairing code."""
    months = evaluation.get("follow_up_months", 3)
    return {"id": FOLLOW_UP_EXERCISE, "kind": MATCHED, "phase": "follow-up", "anonymous": True, "core": False,
            "level": "evaluation", "items": evaluation_items(evaluation),
            "prompt": f"About {months} months after the sessions: how far do you agree with each statement "
                      "now? (Optional and anonymous.)"}


def _with_items(entry: dict, evaluation: dict | None, path: Path) -> dict:
    matched = [e for e in entry["exercises"] if e.get("kind") == MATCHED]
    if not matched:
        return entry
    if evaluation is None:
        raise CurriculumError(f"{path}: {matched[0]['id']} asks the evaluation's statements, "
                              f"but there is no {EVALUATION_FILE}")
    items = evaluation_items(evaluation)
    return {**entry, "exercises": [{**e, "items": items} if e.get("kind") == MATCHED else e
                                   for e in entry["exercises"]]}


def read_yaml(path: Path):
    """Parse one YAML file; errors name the file and, where YAML knows it, the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CurriculumError(f"{path}: file not found") from None
    except UnicodeDecodeError as err:
        raise CurriculumError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise CurriculumError(f"{where}: {err.problem or err}") from None
    except yaml.YAMLError as err:
        raise CurriculumError(f"{path}: {err}") from None


def _require(entry, keys, path: Path):
    if not isinstance(entry, dict):
        raise CurriculumError(f"{path}: expected a mapping with {', '.join(keys)}, found {entry!r}")
    missing = [k for k in keys if k not in entry]
    if missing:
        raise CurriculumError(f"{path}: missing {', '.join(missing)}")


@functools.lru_cache(maxsize=8)
def _load(folder: str) -> Curriculum:
    root = Path(folder)
    series_path = root / "series.yaml"
    series = read_yaml(series_path)
    _require(series, ["schema_version", "modules", "check_in", "debrief"], series_path)
    modules, planned = {}, {}
    evaluation = read_yaml(root / EVALUATION_FILE) if (root / EVALUATION_FILE).exists() else None
    if evaluation is not None:
        _require(evaluation, ["scale", "items"], root / EVALUATION_FILE)
    for listed in series["modules"]:
        _require(listed, ["id", "status"], series_path)
        module_id = listed["id"]
        if listed["status"] != "ready":
            planned[module_id] = listed.get("title", module_id)
            continue
        path = root / "modules" / f"{module_id}.yaml"
        entry = read_yaml(path)
        _require(entry, ["id", "title", "exercises", "minutes"], path)
        if entry["id"] != module_id:
            raise CurriculumError(f"{path}: id is {entry['id']!r}, expected {module_id!r}")
        for exercise in entry["exercises"]:
            _require(exercise, ["id", "kind", "prompt"], path)
        modules[module_id] = with_shared_exercises(_with_items(entry, evaluation, path), series)
    return Curriculum(folder=root, series=series, modules=modules, planned=planned, evaluation=evaluation)


def load_curriculum(folder: str | Path | None = None) -> Curriculum:
    """The curriculum in ``folder`` (by default the configured one), read once per process."""
    if folder is None:
        from coproduction_kit.core.settings import load_config

        folder = load_config().curriculum_dir
    return _load(str(Path(folder).resolve()))


def load_schema(folder: str | Path, name: str) -> dict:
    return json.loads((Path(folder) / "schema" / f"{name}.schema.json").read_text("utf-8"))


def _as_written(exercise: dict) -> dict:
    """An exercise as its file has it: without the evaluation's statements added on reading."""
    return {k: v for k, v in exercise.items() if k != "items"} if exercise.get("kind") == MATCHED else exercise


def validate(curriculum: Curriculum) -> list[str]:
    """Problems found by checking every file against its JSON schema; empty when all is well."""
    import jsonschema  # slow to import; only facilitator commands pay for it

    problems = []
    as_written = {
        f"modules/{k}.yaml": {**v, "exercises": [_as_written(e) for e in v["exercises"] if not e.get("shared")]}
        for k, v in curriculum.modules.items()
    }
    checked = [("series", {"series.yaml": curriculum.series}), ("module", as_written)]
    if curriculum.evaluation is not None:
        checked.append(("evaluation", {EVALUATION_FILE: curriculum.evaluation}))
    for name, entries in checked:
        validator = jsonschema.Draft202012Validator(load_schema(curriculum.folder, name))
        for filename, entry in entries.items():
            for err in sorted(validator.iter_errors(entry), key=lambda e: list(e.path)):
                where = "/".join(str(p) for p in err.path) or "(top level)"
                problems.append(f"{curriculum.folder / filename}: {where}: {err.message}")
    seen = {}
    for module_id, entry in curriculum.modules.items():
        for exercise in entry["exercises"]:
            if not exercise["id"].startswith(module_id + "."):
                problems.append(
                    f"{curriculum.folder}/modules/{module_id}.yaml: exercise id "
                    f"{exercise['id']!r} must start with '{module_id}.'"
                )
            if exercise["id"] in seen:
                problems.append(
                    f"{curriculum.folder}/modules/{module_id}.yaml: exercise id "
                    f"{exercise['id']!r} is also used in {seen[exercise['id']]}"
                )
            seen[exercise["id"]] = f"modules/{module_id}.yaml"
    return problems + _evaluation_problems(curriculum)


def _evaluation_problems(curriculum: Curriculum) -> list[str]:
    """Each statement's id once, and the module it measures one of the series'."""
    if not isinstance(curriculum.evaluation, dict) or not isinstance(curriculum.evaluation.get("items"), list):
        return []
    where, problems, ids = curriculum.folder / EVALUATION_FILE, [], set()
    listed = {m["id"] for m in curriculum.series["modules"]}
    for number, item in enumerate(curriculum.evaluation["items"]):
        if not isinstance(item, dict):
            continue
        if item.get("id") in ids:
            problems.append(f"{where}: items/{number}: the id {item['id']!r} is used twice")
        ids.add(item.get("id"))
        if item.get("module") not in listed:
            problems.append(f"{where}: items/{number}/module: {item.get('module')!r} is not a module of the series")
    return problems
