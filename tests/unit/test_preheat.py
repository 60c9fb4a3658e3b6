"""A preheated page: built before anyone asked for it, then bound to the participant who did.

Voilà's kernel pool runs a module's notebook ahead of time; the page is locked and says it is
opening the participant's answers until ``Session.bind`` learns who is answering.  These tests
build pages in the waiting state against a real SQLite store and bind them.
"""

from coproduction_kit.widgets import PowerMap, Reflection
from coproduction_kit.widgets.module_page import SubmitPanel, welcome
from coproduction_kit.widgets.session import PARTICIPANT, UNIDENTIFIED, WAITING, Session
from coproduction_kit.store import FACILITATORS

TEXT = "payment.personal-experience"


def waiting_page(workshop, store):
    return Session(WAITING, workshop, store, None)


def test_a_waiting_page_is_locked_and_says_it_is_opening_answers(workshop, store):
    session = waiting_page(workshop, store)
    box = Reflection(TEXT, session=session)
    assert box._input.disabled and box._share.disabled and box._pass.disabled
    assert "Opening your saved answers" in box.status
    assert "Opening your saved answers" in welcome("payment", session=session).value
    assert SubmitPanel("payment", session=session)._button.disabled


def test_binding_restores_the_participants_answers_and_unlocks(workshop, store):
    sam, _ = store.add_participant(workshop.workshop_id, "sam")
    store.save_answer(sam, "payment", TEXT, "Being paid said my time counted.", share=FACILITATORS)
    session = waiting_page(workshop, store)
    page = welcome("payment", session=session)
    box = Reflection(TEXT, session=session)
    panel = SubmitPanel("payment", session=session)

    session.bind(sam)

    assert session.mode == PARTICIPANT
    assert box._input.value == "Being paid said my time counted." and not box._input.disabled
    assert box._share.value == FACILITATORS and not box._share.disabled
    assert box.status.startswith("Restored")
    assert box.revision == 1  # restoring is not a new save
    assert "sam" in page.value and "Opening" not in page.value
    assert not panel._button.disabled and "1 answer(s)" in panel._summary.value

    box._input.value = "Being paid said my time counted, and that I was a colleague."
    assert store.get_answer(sam, "payment", TEXT).revision == 2


def test_binding_without_a_participant_locks_with_the_way_to_the_start_page(workshop, store):
    session = waiting_page(workshop, store)
    box = Reflection(TEXT, session=session)
    session.bind(None)
    assert session.mode == UNIDENTIFIED
    assert box._input.disabled and "start page" in box.status


def test_exercises_built_after_binding_load_at_once(workshop, store):
    sam, _ = store.add_participant(workshop.workshop_id, "sam")
    store.save_answer(sam, "payment", TEXT, "kept")
    session = waiting_page(workshop, store)
    session.bind(sam)
    assert Reflection(TEXT, session=session)._input.value == "kept"


def test_a_bound_page_is_not_bound_again(workshop, store):
    sam, _ = store.add_participant(workshop.workshop_id, "sam")
    kim, _ = store.add_participant(workshop.workshop_id, "kim")
    session = waiting_page(workshop, store)
    session.bind(sam)
    session.bind(kim)
    assert session.participant.pseudonym == "sam"


def test_the_second_power_map_starts_from_the_first_once_bound(workshop, store):
    sam, _ = store.add_participant(workshop.workshop_id, "sam")
    store.save_answer(sam, "power", "power.map-before", {"Attending psychiatrist": [9, 6]})
    session = waiting_page(workshop, store)
    after = PowerMap("power.map-after", session=session)
    assert after.value is None
    session.bind(sam)
    assert after.value == {"Attending psychiatrist": [9, 6]}
    assert after._board.positions == {"Attending psychiatrist": [9, 6]}
    assert store.get_answer(sam, "power", "power.map-after") is None  # seeding is not an answer


def test_a_look_back_shows_earlier_answers_once_bound(workshop, store):
    sam, _ = store.add_participant(workshop.workshop_id, "sam")
    store.save_answer(sam, "authorship", "authorship.order", "alphabetical")
    session = waiting_page(workshop, store)
    box = Reflection("authorship.order-why", session=session)
    assert box._look_back.value == ""
    session.bind(sam)
    assert "What you wrote earlier" in box._look_back.value


def test_a_store_that_cannot_answer_at_binding_locks_the_page_with_the_way_back(workshop, store, monkeypatch):
    from coproduction_kit.widgets.session import _bind

    session = waiting_page(workshop, store)
    box = Reflection(TEXT, session=session)

    def unreachable(*_):
        raise OSError("disk gone")

    monkeypatch.setattr(store, "participant_by_token", unreachable)
    _bind(session, "some-token")
    assert session.mode == UNIDENTIFIED and "start page" in box.status
