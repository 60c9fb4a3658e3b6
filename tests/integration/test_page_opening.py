"""What a participant sees: the module opens with its objectives and questions, and optional
exercises come after the core ones, marked Optional (widgets built with a real SQLite store)."""

import json
import re

from coproduction_kit.core.curriculum import is_core
from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.widgets import Reflection
from coproduction_kit.widgets.kinds.budget_planner import BudgetPlanner
from coproduction_kit.widgets.module_page import opening

CALL = re.compile(r'\b[a-z_]+\(\s*"([a-z][a-z0-9-]*\.[a-z0-9][a-z0-9-]*)"\s*\)')


def test_the_opening_shows_objectives_and_folds_the_questions_and_agenda(participant_session, curriculum):
    module = curriculum.module("payment")
    page = opening("payment", participant_session)
    shown = page.index("What you will be able to do")
    for objective in module["objectives"]:
        assert objective["text"][:60] in page
    assert page.index(module["objectives"][0]["text"][:60]) > shown
    questions = page[page.index("<details"):]
    assert "<summary>Questions this session answers</summary>" in questions
    assert module["questions"][0][:60] in questions
    assert "<summary>What this session covers</summary>" in page and module["agenda"][0][:40] in page
    # the objectives come before the folded lists and the participant's choices
    assert shown < page.index("<details") < page.index("Your choices")


def test_an_optional_exercise_is_marked_and_a_core_one_is_not(participant_session, curriculum):
    optional = Reflection("payment.social-justice", session=participant_session)
    core = Reflection("payment.personal-experience", session=participant_session)
    assert not is_core(curriculum.exercise("payment.social-justice"))
    assert '<span class="workshop-optional">Optional</span>' in optional._prompt_html.value
    assert "workshop-optional" not in core._prompt_html.value
    planner = BudgetPlanner("payment.budget", session=participant_session)  # any kind carries the mark
    assert "workshop-optional" in planner._prompt_html.value


def test_every_page_shows_its_optional_exercises_after_the_core_ones(curriculum):
    for module_id in curriculum.modules:
        cells = json.loads((PROJECT_ROOT / "modules" / f"{module_id}.ipynb").read_text("utf-8"))["cells"]
        shown = [m for c in cells if c["cell_type"] == "code" for m in CALL.findall("".join(c["source"]))]
        marks = [is_core(curriculum.exercise(e)) for e in shown]
        assert marks == sorted(marks, reverse=True), module_id  # every True (core) before any False
        if False in marks:
            heading = next(i for i, c in enumerate(cells) if "".join(c["source"]).startswith("## Optional exercises"))
            first = next(i for i, c in enumerate(cells) if c["cell_type"] == "code"
                         and any(not is_core(curriculum.exercise(e)) for e in CALL.findall("".join(c["source"]))))
            assert heading < first, module_id
    assert any(not is_core(e) for e in curriculum.exercises("payment"))
