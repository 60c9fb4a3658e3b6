"""The module page's progress line: "N of M answered", changing as answers save."""

from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.widgets import choose, reflect
from coproduction_kit.widgets.progress import ModuleProgress
from coproduction_kit.widgets.session import use_session


def test_the_progress_line_counts_saved_answers_and_passes(participant_session, workshop):
    use_session(participant_session)
    try:
        total = len(load_curriculum(workshop.curriculum_dir).module("payment")["exercises"])
        progress = ModuleProgress("payment", participant_session)  # built before the exercises, as on the page
        assert f"0 of {total} answered" in progress.value
        first = reflect("payment.personal-experience")
        second = choose("payment.gift-card-case")
        assert f"0 of {total} answered" in progress.value  # shown, not yet saved
        first.value = "Being paid told me my time counted."
        assert f"1 of {total} answered" in progress.value
        second._pass.value = True
        assert f"1 of {total} answered, 1 passed" in progress.value
        first.value = ""  # an emptied answer is no longer counted
        assert f"0 of {total} answered, 1 passed" in progress.value
    finally:
        use_session(None)


def test_a_page_opened_again_counts_the_answers_already_saved(participant_session, workshop):
    use_session(participant_session)
    try:
        reflect("payment.personal-experience").value = "Saved before."
        participant_session.exercises.clear()  # the page opened again: a new page's widgets
        progress = ModuleProgress("payment", participant_session)
        assert ">0 of " in progress.value
        reflect("payment.personal-experience")  # restores the saved answer
        assert ">1 of " in progress.value
    finally:
        use_session(None)
