"""Exercise widgets built with no kernel: typing, choosing, passing and sharing save to the store."""

import pytest

from coproduction_kit.widgets import Choice, Reflection, Scale
from coproduction_kit.widgets.module_page import STATIC, SubmitPanel, keypoints, opening, welcome
from coproduction_kit.widgets.session import UNIDENTIFIED, Session
from coproduction_kit.store import FACILITATORS, ROOM

TEXT = "payment.personal-experience"
SCALE = "payment.raise-payment-readiness"
CHOICE = "payment.gift-card-case"


def test_typing_saves_and_a_new_page_restores_the_draft(participant_session):
    box = Reflection(TEXT, session=participant_session)
    box._input.value = "Payment told me my time counted."
    assert box.revision == 1 and box.status.startswith("Saved at")
    kept = participant_session.store.get_answer(participant_session.participant, "payment", TEXT)
    assert kept.value == "Payment told me my time counted."

    again = Reflection(TEXT, session=participant_session)  # the page reloaded
    assert again._input.value == "Payment told me my time counted."
    assert again.status.startswith("Restored")


def test_the_prompt_comes_from_the_curriculum_quoted_with_its_source(participant_session, curriculum):
    box = Reflection(TEXT, session=participant_session)
    assert box.prompt == curriculum.exercise(TEXT)["prompt"]
    assert "(Soklaridis et al., 2020)" in box._prompt_html.value


def test_share_choice_is_private_by_default_and_saved(participant_session):
    box = Reflection(TEXT, session=participant_session)
    assert box.share == "private"
    box._input.value = "text"
    box._share.value = ROOM
    kept = participant_session.store.get_answer(participant_session.participant, "payment", TEXT)
    assert kept.share == ROOM
    assert Reflection(TEXT, session=participant_session)._share.value == ROOM


def test_passing_is_saved_and_disables_the_answer(participant_session):
    box = Reflection(TEXT, session=participant_session)
    box._pass.value = True
    assert box._input.disabled
    kept = participant_session.store.get_answer(participant_session.participant, "payment", TEXT)
    assert kept.passed
    restored = Reflection(TEXT, session=participant_session)
    assert restored._pass.value is True


def test_scale_saves_the_number(participant_session, curriculum):
    rating = Scale(SCALE, session=participant_session)
    assert rating._input.value is None  # nothing chosen until the participant chooses
    labels = [label for label, _ in rating._input.options]
    assert curriculum.exercise(SCALE)["scale"]["min_label"] in labels[0]
    rating._input.value = 4
    assert participant_session.store.get_answer(participant_session.participant, "payment", SCALE).value == 4
    assert Scale(SCALE, session=participant_session)._input.value == 4


def test_choice_shows_its_discussion_note_only_once_answered(participant_session, curriculum):
    pick = Choice(CHOICE, session=participant_session)
    assert pick._feedback.value == ""
    option = curriculum.exercise(CHOICE)["options"][1]
    pick._input.value = option
    assert "To discuss" in pick._feedback.value
    assert participant_session.store.get_answer(participant_session.participant, "payment", CHOICE).value == option


def test_markup_in_a_stored_answer_is_never_rendered_as_html(participant_session):
    box = Reflection(TEXT, session=participant_session)
    box._input.value = "x" * 25_000  # over the limit: refused, kept on the page, said plainly
    assert "Not saved" in box.status and "20,000" in box.status
    assert box._input.value == "x" * 25_000


def test_unidentified_pages_lock_the_exercises(workshop, store):
    session = Session(UNIDENTIFIED, workshop, store, None)
    box = Reflection(TEXT, session=session)
    assert box._input.disabled and box._share.disabled and box._pass.disabled
    assert "start page" in box.status
    assert "does not know who you are" in welcome("payment", session=session).value


def test_preview_says_nothing_is_kept(preview_session):
    box = Reflection(TEXT, session=preview_session)
    assert "Preview" in box.status
    panel = SubmitPanel("payment", session=preview_session)
    assert panel._button.disabled


def test_welcome_and_keypoints_come_from_the_data(participant_session, curriculum):
    module = curriculum.module("payment")
    page = opening("payment", participant_session)
    assert module["title"] in page and "Pass" in page
    assert "river-12" in welcome("payment", session=participant_session).value
    assert module["keypoints"][0][:40] in keypoints("payment", session=participant_session).value


def test_the_opening_goes_out_as_the_page_s_html_and_names_nobody(participant_session, curriculum, monkeypatch):
    """The opening is marked for the Voilà template to write into the page (painted before any
    script runs); it is the same for everyone, so the pseudonym stays in the widget."""
    import coproduction_kit.widgets.module_page as module_page

    shown = []
    monkeypatch.setattr(module_page, "display", lambda obj, metadata=None: shown.append((obj, metadata)))
    who = welcome("payment", session=participant_session)
    static = [obj for obj, metadata in shown if metadata == STATIC]
    assert len(static) == 1 and curriculum.module("payment")["title"] in static[0].data
    assert "river-12" not in static[0].data and "river-12" in who.value
    assert all(metadata is None for obj, metadata in shown if obj is not static[0])  # widgets stay widgets


def test_submit_panel_counts_what_will_be_sent(participant_session):
    shared = Reflection(TEXT, session=participant_session)
    private = Reflection("payment.personal-participation", session=participant_session)
    panel = SubmitPanel("payment", session=participant_session)
    assert "not chosen to share" in panel._summary.value
    shared._input.value = "mine to share"
    shared._share.value = FACILITATORS
    private._input.value = "mine to keep"
    assert "send 1 answer" in panel._summary.value


def test_calling_the_wrong_kind_names_the_exercise(monkeypatch, participant_session):
    from coproduction_kit import widgets
    from coproduction_kit.widgets import session as session_module

    monkeypatch.setattr(session_module, "_current", participant_session)
    with pytest.raises(widgets.CurriculumError, match="scale exercise"):
        widgets.reflect(SCALE)
    assert isinstance(widgets.scale(SCALE), Scale)


def test_typing_saves_once_after_a_short_pause_on_the_kernel_loop(participant_session):
    """In a kernel, keystrokes within the pause make one save, not one per keystroke."""
    import asyncio
    import threading

    participant_session.config.autosave_delay = 0.2
    seen = {}

    async def typing():
        box = Reflection(TEXT, session=participant_session)
        for text in ["P", "Pa", "Pay", "Paym"]:
            box._input.value = text
            await asyncio.sleep(0.02)
        seen["before"] = (box.revision, box.status)
        await asyncio.sleep(0.4)
        seen["after"] = (box.revision, box.status)

    # Its own thread, so that no other event loop in this process gets in the way.
    worker = threading.Thread(target=lambda: asyncio.run(typing()))
    worker.start()
    worker.join()
    assert seen["before"] == (0, "Saving…")
    assert seen["after"][0] == 1 and seen["after"][1].startswith("Saved at")
    history = participant_session.store.revisions(participant_session.participant, "payment", TEXT)
    assert [h["value"] for h in history] == ["Paym"]


def test_saving_too_fast_keeps_the_text_on_the_page_and_saves_the_latest_when_allowed(participant_session, monkeypatch):
    """The store refuses saves beyond its limit; the page says so, keeps typing, and catches up."""
    import asyncio
    import threading

    import coproduction_kit.store.saves as store_module

    monkeypatch.setattr(store_module, "RATE_WINDOW", 1.0)  # a one-second "minute", for the test
    participant_session.store.max_saves_per_minute = 2
    seen = {}

    async def typing():
        box = Reflection(TEXT, session=participant_session)
        for text in ["one", "two", "three", "three and four"]:
            box._input.value = text
        seen["refused"] = (box.status, box._input.value)
        await asyncio.sleep(1.5)
        seen["later"] = box.status

    worker = threading.Thread(target=lambda: asyncio.run(typing()))
    worker.start()
    worker.join()
    status, on_page = seen["refused"]
    assert "Saving paused" in status and "stays on this page" in status
    assert on_page == "three and four"
    assert seen["later"].startswith("Saved at")
    kept = participant_session.store.get_answer(participant_session.participant, "payment", TEXT)
    assert kept.value == "three and four"


def test_a_locked_prompt_says_so_and_keeps_the_first_answer_on_the_page(participant_session):
    store, me = participant_session.store, participant_session.participant
    store.set_room_state(me.workshop_id, TEXT, locked=True)
    box = Reflection(TEXT, session=participant_session)
    box._input.value = "written after the lock"
    assert "closed this question" in box.status and box._input.value == "written after the lock"
    assert store.get_answer(me, "payment", TEXT) is None
