"""The workshop's exercise library: what module notebooks call, one line per exercise.

    from coproduction_kit.widgets import welcome, reflect, scale, choose, keypoints, submit
    welcome("payment")
    reflect("payment.personal-what-it-means")

Prompts, options and feedback come from ``curriculum/``; answers go to the store.  There is one
notebook call per exercise kind (``reflect``, ``scale``, ``choose``, …) and one widget class
(``Reflection``, ``Scale``, …), both made here from the registry of kinds in
``coproduction_kit/core/kinds.py``: a new kind needs no line in this file.
"""

from importlib import import_module

from coproduction_kit.core.curriculum import FOLLOW_UP_EXERCISE, CurriculumError, load_curriculum
from coproduction_kit.core.kinds import KINDS, Kind
from coproduction_kit.widgets.looks import sharing_looks
from coproduction_kit.widgets.module_page import keypoints, submit, welcome
from coproduction_kit.widgets.session import current_session

# kind -> its widget class (imported here, not in core, which never imports ipywidgets)
_KINDS = {kind.name: getattr(import_module(kind.widget_module), kind.widget_class) for kind in KINDS.values()}


@sharing_looks
def _exercise(exercise_id: str, kind: str):
    session = current_session()
    entry = load_curriculum(session.config.curriculum_dir).exercise(exercise_id)
    if entry["kind"] != kind:
        raise CurriculumError(
            f"{exercise_id} is a {entry['kind']} exercise in the curriculum, not a {kind}; "
            f"call the matching function in the notebook."
        )
    return _KINDS[kind](exercise_id, session=session)


def _notebook_call(kind: Kind):
    """``reflect(exercise_id)`` and its like: the exercise's widget, if the curriculum agrees on its kind."""
    def call(exercise_id: str):
        return _exercise(exercise_id, kind.name)

    call.__name__ = call.__qualname__ = kind.call
    call.__doc__ = kind.summary
    call.__annotations__ = {"exercise_id": str, "return": _KINDS[kind.name]}
    return call


for _kind in KINDS.values():
    globals()[_kind.call] = _notebook_call(_kind)
    globals()[_KINDS[_kind.name].__name__] = _KINDS[_kind.name]
del _kind

Reflection = _KINDS["reflection"]  # named for check_in and debrief below


def check_in(module_id: str) -> Reflection:
    """The check-in that opens every session (prompt from curriculum/series.yaml)."""
    return _exercise(f"{module_id}.check-in", "reflection")


def debrief(module_id: str) -> Reflection:
    """The debrief that closes every session (prompt from curriculum/series.yaml)."""
    return _exercise(f"{module_id}.debrief", "reflection")


def follow_up():
    """The follow-up page's one exercise: the evaluation's statements again, months later, with the pairing code."""
    return _exercise(FOLLOW_UP_EXERCISE, "matched_items")


__all__ = [
    "welcome", "check_in", *(kind.call for kind in KINDS.values()), "keypoints", "debrief", "submit", "follow_up",
    *(cls.__name__ for cls in _KINDS.values()),
]
