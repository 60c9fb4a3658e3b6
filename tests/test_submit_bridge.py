"""The submit bridge on its own: escaping, nbgrader's naming, what is and is not sent."""

import re

import nbformat
import pytest

from widgets.store import FACILITATORS, ROOM
from widgets.submit_bridge import (
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


@pytest.mark.nbgrader
def test_shared_answers_reach_the_exchange_escaped_and_private_ones_never(prepared, curriculum):
    from widgets.store import Store

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
    assert not list((prepared.exchange_root / prepared.workshop_id / ".staging").iterdir())


@pytest.mark.nbgrader
def test_review_is_blind_by_default_and_open_when_configured(prepared, curriculum):
    from widgets.store import Store

    store = Store(prepared.store_url)
    p, _ = store.add_participant(prepared.workshop_id, "open-reviewer")
    store.save_answer(p, "payment", "payment.personal-experience", "text", share=FACILITATORS)
    exercises = curriculum.exercises("payment")
    blind = submit_module(store, p, "payment", exercises, prepared.course_dir, prepared.exchange_root)
    assert blind.folder.name.startswith(p.review_id + "+") and "open-reviewer" not in blind.folder.name
    named = submit_module(store, p, "payment", exercises, prepared.course_dir, prepared.exchange_root, blind=False)
    assert named.folder.name.startswith("open-reviewer+payment+")
