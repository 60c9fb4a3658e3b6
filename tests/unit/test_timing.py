"""Sessions that fit: core exercises within a module's minutes, the half-day's within its own.

``workshop check`` adds up each exercise's minutes (``curriculum/kinds.yaml``) and fails, naming
the module, when they overrun; the plan and the guides show what is core, optional and kept.
"""

import json
import re

import pytest

from coproduction_kit.authoring import check
from coproduction_kit.authoring.guides import timing_table
from coproduction_kit.authoring.plan import session_plan
from coproduction_kit.authoring.timing import exercise_times, half_day_budget, timing_problems
from coproduction_kit.core.curriculum import in_half_day, is_core, load_curriculum
from coproduction_kit.core.kinds import timing, words
from coproduction_kit.core.settings import PROJECT_ROOT

CURRICULUM = PROJECT_ROOT / "curriculum"


def problems_in(root) -> str:
    return "\n".join(map(str, check.check(root)))


def test_the_real_curriculum_fits_its_time():
    curriculum = load_curriculum(CURRICULUM)
    assert timing_problems(curriculum) == []
    table = timing(CURRICULUM)
    for module_id, module in curriculum.modules.items():
        times = exercise_times(curriculum, module_id, table)
        assert sum(t.minutes for t in times if t.core) <= module["minutes"]["exercises"]
        assert sum(t.minutes for t in times if t.half_day) <= half_day_budget(module)
    # the payment module had 14 exercises for 45 minutes: some are optional now, and all of them
    # together would not fit
    payment = exercise_times(curriculum, "payment", table)
    assert any(not t.core for t in payment)
    assert sum(t.minutes for t in payment) > curriculum.module("payment")["minutes"]["exercises"]


def test_check_fails_naming_a_module_whose_core_exercises_overrun(lesson):
    path = lesson / "curriculum" / "modules" / "payment.yaml"
    path.write_text(path.read_text("utf-8").replace("    core: false\n", ""), "utf-8")
    problems = problems_in(lesson)
    assert re.search(r"payment\.yaml: module payment: its core exercises take about \d+ minutes, "
                     r"more than its 45 minutes for exercises", problems)
    assert "module power:" not in problems


def test_check_fails_naming_a_module_whose_half_day_exercises_overrun(lesson):
    path = lesson / "curriculum" / "modules" / "power.yaml"
    text = path.read_text("utf-8")
    text, changed = re.subn(r"short: 40, short_teaching: \d+\}", "short: 40, short_teaching: 30}", text)
    assert changed == 1
    path.write_text(text, "utf-8")
    problems = problems_in(lesson)
    assert re.search(r"power\.yaml: module power: the exercises the half-day keeps take about \d+ minutes, "
                     r"more than the 10 left after teaching", problems)
    assert "core exercises" not in problems


def test_check_wants_optional_exercises_after_the_core_ones(lesson):
    path = lesson / "modules" / "power.ipynb"
    notebook = json.loads(path.read_text("utf-8"))
    cells = notebook["cells"]
    takeaway = next(c for c in cells if "power.takeaway" in "".join(c["source"]))
    cells.remove(takeaway)
    cells.append(takeaway)  # a core exercise after the optional one
    path.write_text(json.dumps(notebook, indent=1), "utf-8")
    assert "core exercise power.takeaway comes after optional power.shifted" in problems_in(lesson)


def test_an_exercise_costs_its_words_its_kind_its_share_choice_and_any_discussion():
    table = timing(CURRICULUM)
    entry = {"id": "m.x", "kind": "reflection", "prompt": " ".join(["word"] * 200)}
    assert words(entry) == 200
    base = table.of(entry)
    assert base == pytest.approx(1 + table.kinds["reflection"].answering + table.share_choice)
    assert table.of({**entry, "discuss": True}) == pytest.approx(base + table.discussion)
    assert table.of({**entry, "anonymous": True}) == pytest.approx(base - table.share_choice)
    assert is_core({}) and in_half_day({}) and not in_half_day({"core": False})
    assert in_half_day({"core": False, "half_day": True}) and not in_half_day({"half_day": False})


def test_plan_and_guides_show_core_optional_and_the_half_day():
    curriculum = load_curriculum(CURRICULUM)
    page = session_plan(PROJECT_ROOT, curriculum)
    assert "Core exercises" in page and "Optional exercises" in page
    assert "Exercises the half-day keeps" in page
    assert "When time runs short" in page  # each guide's section on what to cut
    guide = timing_table(curriculum, "payment")
    assert "| optional | left out |" in guide and "| core | kept |" in guide


def test_the_half_day_opens_with_agreements_and_closes_with_the_evaluation():
    curriculum = load_curriculum(CURRICULUM)
    half_day = next(f for f in curriculum.series["formats"] if f["id"] == "half-day")
    modules = half_day["sessions"][0]["modules"]
    assert modules[0] == "orientation" and modules[-1] == "closing"
    kept = {e["id"] for m in modules for e in curriculum.exercises(m) if in_half_day(e) and not e.get("shared")}
    assert "orientation.agreements" in kept and "closing.evaluation-useful" in kept
    assert "closing.look-back" not in kept  # it looks back to sessions the half-day does not have
