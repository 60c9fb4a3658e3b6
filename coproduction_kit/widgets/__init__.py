"""The workshop's exercise library: what module notebooks call, one line per exercise.

    from coproduction_kit.widgets import welcome, reflect, scale, choose, keypoints, submit
    welcome("payment")
    reflect("payment.personal-what-it-means")

Prompts, options and feedback come from ``curriculum/``; answers go to the store.
"""

from coproduction_kit.widgets.kinds.budget_planner import BudgetPlanner
from coproduction_kit.core.curriculum import CurriculumError, load_curriculum
from coproduction_kit.widgets.module_page import keypoints, submit, welcome
from coproduction_kit.widgets.kinds.payment_calculator import PaymentCalculator
from coproduction_kit.widgets.session import current_session
from coproduction_kit.widgets.kinds.checklist import Checklist
from coproduction_kit.widgets.kinds.credit_matrix import CreditMatrix
from coproduction_kit.widgets.kinds.choice import Choice
from coproduction_kit.widgets.kinds.form import Form
from coproduction_kit.widgets.kinds.power_map import PowerMap
from coproduction_kit.widgets.kinds.reflection import Reflection
from coproduction_kit.widgets.kinds.scale import Scale
from coproduction_kit.widgets.kinds.sort import Sort
from coproduction_kit.widgets.kinds.vignettes import Vignettes

_KINDS = {
    "reflection": Reflection, "scale": Scale, "choice": Choice,
    "checklist": Checklist, "sort": Sort, "form": Form, "power_map": PowerMap,
    "payment_calculator": PaymentCalculator, "budget_planner": BudgetPlanner,
    "vignettes": Vignettes, "credit_matrix": CreditMatrix,
}


def _exercise(exercise_id: str, kind: str):
    session = current_session()
    entry = load_curriculum(session.config.curriculum_dir).exercise(exercise_id)
    if entry["kind"] != kind:
        raise CurriculumError(
            f"{exercise_id} is a {entry['kind']} exercise in the curriculum, not a {kind}; "
            f"call the matching function in the notebook."
        )
    return _KINDS[kind](exercise_id, session=session)


def reflect(exercise_id: str) -> Reflection:
    """A free-text reflection."""
    return _exercise(exercise_id, "reflection")


def scale(exercise_id: str) -> Scale:
    """A rating on a labelled scale."""
    return _exercise(exercise_id, "scale")


def choose(exercise_id: str) -> Choice:
    """A single choice, with a discussion note once answered."""
    return _exercise(exercise_id, "choice")


def checklist(exercise_id: str) -> Checklist:
    """Options to tick."""
    return _exercise(exercise_id, "checklist")


def sort(exercise_id: str) -> Sort:
    """Items to place in categories, each with a discussion note once placed."""
    return _exercise(exercise_id, "sort")


def form(exercise_id: str) -> Form:
    """Several labelled text boxes under one prompt."""
    return _exercise(exercise_id, "form")


def power_map(exercise_id: str) -> PowerMap:
    """Roles placed on formal authority and recognised expertise, drawn as a chart."""
    return _exercise(exercise_id, "power_map")


def payment_calculator(exercise_id: str) -> PaymentCalculator:
    """What a service-user educator keeps from a payment, from the rules in curriculum/facts/."""
    return _exercise(exercise_id, "payment_calculator")


def budget_planner(exercise_id: str) -> BudgetPlanner:
    """Cost items × quantity × unit cost, with totals and a CSV download."""
    return _exercise(exercise_id, "budget_planner")


def vignettes(exercise_id: str) -> Vignettes:
    """Short cases: rate the credibility given, name what happened, then read the discussion note."""
    return _exercise(exercise_id, "vignettes")


def credit_matrix(exercise_id: str) -> CreditMatrix:
    """Who did what in CRediT's 14 roles; the contribution statement and ICMJE's criteria follow."""
    return _exercise(exercise_id, "credit_matrix")


def check_in(module_id: str) -> Reflection:
    """The check-in that opens every session (prompt from curriculum/series.yaml)."""
    return _exercise(f"{module_id}.check-in", "reflection")


def debrief(module_id: str) -> Reflection:
    """The debrief that closes every session (prompt from curriculum/series.yaml)."""
    return _exercise(f"{module_id}.debrief", "reflection")


__all__ = [
    "welcome", "check_in", "reflect", "scale", "choose", "checklist", "sort", "form", "power_map",
    "payment_calculator", "budget_planner", "vignettes", "credit_matrix",
    "keypoints", "debrief", "submit",
    "Reflection", "Scale", "Choice", "Checklist", "Sort", "Form", "PowerMap", "PaymentCalculator", "BudgetPlanner",
    "Vignettes", "CreditMatrix",
]
