"""The workshop's exercise library: what module notebooks call, one line per exercise.

    from widgets import welcome, reflect, scale, choose, keypoints, submit
    welcome("payment")
    reflect("payment.personal-what-it-means")

Prompts, options and feedback come from ``curriculum/``; answers go to the store.
"""

from .curriculum import CurriculumError, load_curriculum
from .module_page import keypoints, submit, welcome
from .session import current_session
from .widget_choice import Choice
from .widget_reflection import Reflection
from .widget_scale import Scale

_KINDS = {"reflection": Reflection, "scale": Scale, "choice": Choice}


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


__all__ = [
    "welcome", "reflect", "scale", "choose", "keypoints", "submit",
    "Reflection", "Scale", "Choice",
]
