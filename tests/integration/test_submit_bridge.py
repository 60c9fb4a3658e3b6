"""The submit bridge on its own: escaping, nbgrader's naming, what is and is not sent."""

import re

import nbformat
import pytest

from coproduction_kit.store import FACILITATORS, ROOM
from coproduction_kit.nbgrader.exchange import (
    SubmitError, build_submission, escape_markdown, grade_id, place_in_exchange,
    release_notebook_path, submit_module,
)

SCRIPT = "<script>alert('x')</script> [click](javascript:alert(1)) # heading **bold**"


def test_escaping_leaves_no_markup():
    escaped = escape_markdown(SCRIPT)
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped
    assert escaped.startswith('<div class="workshop-answer') and escaped.count("<") == 2  # its own tags only


def test_escaping_keeps_line_breaks_on_one_source_line():
    assert escape_markdown("one\ntwo").endswith(">one&#10;two</div>")


def test_escaped_text_renders_as_the_participant_typed_it():
    from nbconvert.filters import markdown2html

    rendered = markdown2html(escape_markdown(SCRIPT))
    assert "<script>" not in rendered and "<a " not in rendered and "<h1" not in rendered
    assert "&lt;script&gt;" in rendered and "javascript:alert(1)" in rendered


def test_missing_release_is_a_clear_error(tmp_path):
    with pytest.raises(SubmitError, match="workshop prepare"):
        build_submission(release_notebook_path(tmp_path, "payment"), {"payment.x": "t"})


def test_missing_exchange_is_a_clear_error(tmp_path):
    from datetime import datetime, timezone

    with pytest.raises(SubmitError, match="exchange is not set up"):
        place_in_exchange(tmp_path, "c", "sam", "payment", {}, datetime.now(timezone.utc))


def test_nbgrader_forbidden_ids_are_refused(tmp_path):
    from datetime import datetime, timezone

    with pytest.raises(SubmitError):
        place_in_exchange(tmp_path, "c", "a+b", "payment", {}, datetime.now(timezone.utc))


@pytest.fixture
def prepared(prepared_copy):
    """Each test here submits to a course of its own (a copy of the one prepared once)."""
    return prepared_copy


@pytest.mark.nbgrader
def test_shared_answers_reach_the_exchange_escaped_and_private_ones_never(prepared, curriculum):
    from coproduction_kit.store import Store

    store = Store(prepared.store_url)
    p, _ = store.add_participant(prepared.workshop_id, "bridge-tester")
    store.save_answer(p, "payment", "payment.personal-experience", SCRIPT, share=FACILITATORS)
    store.save_answer(p, "payment", "payment.personal-participation", "my private words")
    store.save_answer(p, "payment", "payment.raise-payment-readiness", 4, share=ROOM)
    store.save_answer(p, "payment", "payment.social-justice", "passed text", share=ROOM, passed=True)

    result = submit_module(
        store, p, "payment", curriculum.exercises("payment"), prepared.course_dir, prepared.exchange_root
    )
    assert sorted(a.exercise_id for a in result.sent) == [
        "payment.personal-experience", "payment.raise-payment-readiness"
    ]
    inbound = prepared.exchange_root / prepared.workshop_id / "inbound"
    assert result.folder.parent == inbound
    assert re.fullmatch(
        re.escape(p.review_id) + r"\+payment\+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} UTC\+[A-Za-z0-9_-]{12}",
        result.folder.name,
    )
    assert (result.folder / "timestamp.txt").read_text() in result.folder.name
    notebook = nbformat.read(result.folder / "payment.ipynb", as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in notebook.cells}
    assert "&lt;script&gt;" in cells[grade_id("payment.personal-experience")]
    assert "<script>" not in nbformat.writes(notebook)
    assert "my private words" not in nbformat.writes(notebook)
    assert "passed text" not in nbformat.writes(notebook)
    assert 'dir="auto" style="white-space: pre-wrap">4 on a scale from 1 (' in cells[grade_id("payment.raise-payment-readiness")]
    staging = prepared.exchange_root / prepared.workshop_id / ".staging"
    assert not [item for item in staging.iterdir() if item.suffix != ".lock"]  # no half-written folder


@pytest.mark.nbgrader
def test_review_is_blind_by_default_and_open_when_configured(prepared, curriculum):
    from coproduction_kit.store import Store

    store = Store(prepared.store_url)
    p, _ = store.add_participant(prepared.workshop_id, "open-reviewer")
    store.save_answer(p, "payment", "payment.personal-experience", "text", share=FACILITATORS)
    exercises = curriculum.exercises("payment")
    blind = submit_module(store, p, "payment", exercises, prepared.course_dir, prepared.exchange_root)
    assert blind.folder.name.startswith(p.review_id + "+") and "open-reviewer" not in blind.folder.name
    named = submit_module(store, p, "payment", exercises, prepared.course_dir, prepared.exchange_root, blind=False)
    assert named.folder.name.startswith("open-reviewer+payment+")


def own_submissions(workshop, participant):
    inbound = workshop.exchange_root / workshop.workshop_id / "inbound"
    return sorted(f for f in inbound.iterdir() if f.name.split("+")[0] in {participant.review_id, participant.pseudonym})


def exchange_text(workshop) -> str:
    course = workshop.exchange_root / workshop.workshop_id
    return " ".join(f.read_text(errors="replace") for f in course.rglob("*") if f.is_file())


@pytest.mark.nbgrader
def test_submitting_again_removes_the_earlier_submission_and_text_made_private_since(prepared, curriculum):
    """Issue #14 item 8: the earlier submission stayed in the exchange, made-private text and all."""
    from coproduction_kit.store import PRIVATE, Store

    store = Store(prepared.store_url)
    p, _ = store.add_participant(prepared.workshop_id, "changes-mind")
    exercises = curriculum.exercises("payment")
    store.save_answer(p, "payment", "payment.personal-experience", "FIRST-THOUGHTS-7f3a", share=FACILITATORS)
    first = submit_module(store, p, "payment", exercises, prepared.course_dir, prepared.exchange_root)
    # Feedback released on the first submission, as nbgrader's release_feedback names it.
    from nbgrader.utils import notebook_hash

    secret = (first.folder / "submission_secret.txt").read_text()
    feedback = prepared.exchange_root / prepared.workshop_id / "feedback"
    feedback.mkdir(exist_ok=True)
    released = feedback / f"{notebook_hash(secret=secret, notebook_id='payment')}.html"
    released.write_text("feedback quoting FIRST-THOUGHTS-7f3a")

    store.save_answer(p, "payment", "payment.personal-experience", "FIRST-THOUGHTS-7f3a", share=PRIVATE)
    store.save_answer(p, "payment", "payment.personal-participation", "second thoughts", share=FACILITATORS)
    second = submit_module(store, p, "payment", exercises, prepared.course_dir, prepared.exchange_root)
    assert own_submissions(prepared, p) == [second.folder]
    assert not released.exists()
    assert "FIRST-THOUGHTS-7f3a" not in exchange_text(prepared)
    assert "second thoughts" in (second.folder / "payment.ipynb").read_text()
    assert store.last_submission(p, "payment")["exchange_folder"] == second.folder.name


@pytest.mark.nbgrader
def test_two_submits_at_once_leave_one(prepared, curriculum):
    """Two kernels (threads, each with its own store) submit the same module at the same moment."""
    import threading

    from coproduction_kit.store import Store

    store = Store(prepared.store_url)
    p, _ = store.add_participant(prepared.workshop_id, "double-click")
    store.save_answer(p, "payment", "payment.personal-experience", "sent twice", share=FACILITATORS)
    for _ in range(3):
        start, errors = threading.Barrier(4), []

        def kernel():
            try:
                own = Store(prepared.store_url)
                start.wait()
                submit_module(own, p, "payment", curriculum.exercises("payment"), prepared.course_dir,
                              prepared.exchange_root)
            except Exception as err:  # pragma: no cover - reported below
                errors.append(err)

        threads = [threading.Thread(target=kernel) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        left = own_submissions(prepared, p)
        assert len(left) == 1
        assert store.last_submission(p, "payment")["exchange_folder"] == left[0].name


@pytest.mark.nbgrader
def test_a_store_failing_after_the_submission_is_placed_takes_it_back(prepared, curriculum):
    """Issue #14 item 15: the store fails (a real SQLite trigger) after the notebook is in the exchange."""
    import sqlalchemy as sa

    from coproduction_kit.store import Store

    store = Store(prepared.store_url)
    p, _ = store.add_participant(prepared.workshop_id, "store-fails")
    exercises = curriculum.exercises("payment")
    store.save_answer(p, "payment", "payment.personal-experience", "the first one", share=FACILITATORS)
    first = submit_module(store, p, "payment", exercises, prepared.course_dir, prepared.exchange_root)
    store.save_answer(p, "payment", "payment.personal-experience", "NEVER-RECORDED-91c2", share=FACILITATORS)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER store_fails BEFORE INSERT ON submissions "
                             "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    try:
        with pytest.raises(SubmitError, match="taken back and nothing was sent"):
            submit_module(store, p, "payment", exercises, prepared.course_dir, prepared.exchange_root)
    finally:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER store_fails")
    # What the store says was sent is exactly what the exchange holds: the first submission.
    assert own_submissions(prepared, p) == [first.folder]
    assert store.last_submission(p, "payment")["exchange_folder"] == first.folder.name
    assert "NEVER-RECORDED-91c2" not in exchange_text(prepared)
    assert store.get_answer(p, "payment", "payment.personal-experience").value == "NEVER-RECORDED-91c2"


@pytest.mark.nbgrader
def test_the_submit_button_says_nothing_was_sent_and_keeps_the_text_when_the_store_fails(prepared):
    from coproduction_kit.widgets import Reflection
    from coproduction_kit.widgets.module_page import SubmitPanel
    from coproduction_kit.widgets.session import Session
    from coproduction_kit.store import Store

    store = Store(prepared.store_url)
    p, _ = store.add_participant(prepared.workshop_id, "button-fails")
    session = Session("participant", prepared, store, p)
    box = Reflection("payment.personal-experience", session=session)
    box._share.value = FACILITATORS
    box._input.value = "typed before a failing submit"
    box.flush()
    panel = SubmitPanel("payment", session=session)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER store_fails BEFORE INSERT ON submissions "
                             "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    try:
        assert panel.submit() is None
    finally:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER store_fails")
    assert "Not sent" in panel._result.value and "taken back" in panel._result.value
    assert box._input.value == "typed before a failing submit"
    assert own_submissions(prepared, p) == []
