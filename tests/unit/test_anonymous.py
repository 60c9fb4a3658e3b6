"""Anonymous means anonymous: the evaluation is kept with no link to the participant, and
reported only as totals once k people answered (``coproduction_kit/widgets/anonymous.py``, ``Store.send_anonymously``)."""

from __future__ import annotations

import sqlalchemy as sa

from coproduction_kit.widgets import Reflection, Scale
from coproduction_kit.widgets.anonymous import anonymous_note
from coproduction_kit.widgets.module_page import SubmitPanel
from coproduction_kit.review.report import build_report
from coproduction_kit.widgets.session import PARTICIPANT, Session
from coproduction_kit.store import anonymous_answers

RATING = "closing.evaluation-safe"
CHANGE = "closing.evaluation-change"


def _page(workshop, store, participant):
    return Session(PARTICIPANT, workshop, store, participant)


def test_the_evaluation_is_marked_anonymous_in_the_curriculum(curriculum):
    evaluation = [e for e in curriculum.exercises("closing") if ".evaluation-" in e["id"]]
    assert evaluation and all(e.get("anonymous") for e in evaluation)
    assert all("anonymous" in e["prompt"].lower() for e in evaluation)


def test_an_anonymous_question_offers_no_share_choice_but_says_what_sending_means(participant_session):
    box = Scale(RATING, session=participant_session)
    assert box._share not in box.children and box._anonymous in box.children
    k = participant_session.config.room_min_answers
    assert box._anonymous._note.value.count(anonymous_note(k)) == 1
    assert box._anonymous._button.description == "Send anonymously"


def test_sending_keeps_the_answer_unlinked_and_deletes_the_draft(participant_session):
    store, me = participant_session.store, participant_session.participant
    box = Reflection(CHANGE, session=participant_session)
    box._input.value = "first words"
    box._input.value = "Shorter sessions, please"
    assert store.get_answer(me, "closing", CHANGE).share == "private"  # a private draft until sent
    assert box._anonymous.send()
    assert store.get_answer(me, "closing", CHANGE) is None
    assert store.revisions(me, "closing", CHANGE) == []
    assert store.anonymous_answers(me.workshop_id) == {CHANGE: ["Shorter sessions, please"]}
    # The table itself has nothing that could link a row to a person or a moment (the pairing key is
    # a hash of a code only the participant holds, and None here: tests/unit/test_evaluation.py).
    assert set(anonymous_answers.c.keys()) == {"id", "workshop_id", "exercise_id", "value", "pair_key"}
    # What the participant's own views can still find: only that they sent something.
    with store.engine.connect() as conn:
        dumped = "\n".join(str(row) for table in ("answers", "answer_revisions", "anonymous_sent")
                           for row in conn.execute(sa.text(f"SELECT * FROM {table}")))
    assert "Shorter sessions" not in dumped and "first words" not in dumped


def test_the_draft_leaves_no_byte_in_the_store_files_and_nothing_ties_the_answer_to_its_sender(workshop, store):
    """The write-ahead log would still hold the draft, and the send's rows side by side."""
    from pathlib import Path

    me, _ = store.add_participant(workshop.workshop_id, "sam")
    store.save_answer(me, "closing", CHANGE, "my draft, linked to sam")
    store.send_anonymously(me, "closing", CHANGE, "the answer as sent")
    database = Path(store.engine.url.database)
    files = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        assert b"my draft, linked to sam" not in path.read_bytes(), path
    wal = database.with_name(database.name + "-wal")
    assert wal.stat().st_size == 0  # no frames of this send left beside the participant's row


def test_a_sent_answer_cannot_be_sent_again_changed_or_seen(workshop, store):
    me, _ = store.add_participant(workshop.workshop_id, "sam")
    box = Scale(RATING, session=_page(workshop, store, me))
    box._input.value = 4
    assert box._anonymous.send()
    reloaded = Scale(RATING, session=_page(workshop, store, me))
    assert reloaded._anonymous._button.disabled and reloaded._input.disabled
    assert "cannot be shown to you, changed or withdrawn" in reloaded.status
    reloaded._input.value = 1  # a change on the page saves nothing
    assert store.get_answer(me, "closing", RATING) is None
    assert not reloaded._anonymous.send() and "already sent" in reloaded.status
    assert store.anonymous_answers(workshop.workshop_id) == {RATING: [4]}


def test_nothing_to_send_or_a_pass_sends_nothing(participant_session):
    box = Scale(RATING, session=participant_session)
    assert not box._anonymous.send() and "nothing to send" in box.status
    box._pass.value = True
    assert not box._anonymous.send() and "passed" in box.status
    assert participant_session.store.anonymous_answers(participant_session.participant.workshop_id) == {}


def test_submit_never_carries_an_anonymous_answer(participant_session):
    box = Reflection(CHANGE, session=participant_session)
    box._input.value = "an evaluation draft"
    panel = SubmitPanel("closing", session=participant_session)
    assert "not chosen to share any answer" in panel._summary.value


def test_withdrawal_keeps_no_link_and_forget_removes_the_answers(workshop, store):
    from coproduction_kit.review.forget import forget_workshop, withdraw

    me, _ = store.add_participant(workshop.workshop_id, "sam")
    store.send_anonymously(me, "closing", RATING, 5)
    withdraw(workshop, store, me)
    assert store.anonymous_answers(workshop.workshop_id) == {RATING: [5]}  # it was never theirs to find
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM anonymous_sent")).scalar() == 0
    forget_workshop(workshop, store)
    assert store.anonymous_answers(workshop.workshop_id) == {}


def test_the_report_shows_totals_only_once_k_answered(workshop, store, curriculum, tmp_path):
    k = 5
    texts = ["Keep the check-ins", "More time to write", "Pay the educators well", "Shorter breaks", "Louder mic"]
    people = [store.add_participant(workshop.workshop_id, f"p{i}")[0] for i in range(k)]
    for person, text in zip(people[: k - 1], texts):
        store.send_anonymously(person, "closing", CHANGE, text)
        store.send_anonymously(person, "closing", RATING, 4)
    page = build_report(store, workshop.workshop_id, curriculum, tmp_path / "under", k=k)["html"].read_text()
    summary = (tmp_path / "under" / "summary.csv").read_text("utf-8-sig")
    assert not any(text in page for text in texts) and "Not shown until at least 5 people answer" in summary

    store.send_anonymously(people[-1], "closing", CHANGE, texts[-1])
    store.send_anonymously(people[-1], "closing", RATING, 2)
    page = build_report(store, workshop.workshop_id, curriculum, tmp_path / "at-k", k=k)["html"].read_text()
    summary = (tmp_path / "at-k" / "summary.csv").read_text("utf-8-sig")
    assert all(text in page for text in texts)
    rating_row = summary.split("closing.evaluation-safe", 1)[1].split("\n", 1)[0]
    assert "2: 1" in rating_row and "4: 4" in rating_row
    evaluation = page.split("id='evaluation'", 1)[1].split("id='shared-reflections'", 1)[0]
    assert not any(p.pseudonym in evaluation for p in people)
