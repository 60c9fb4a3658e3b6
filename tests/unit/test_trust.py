"""Trust: what participants type survives any input and is inert everywhere it is shown.
Property-based where the input space is open.  (What is not theirs cannot be reached: the
guessed URLs in tests/integration/test_server_doors.py.)"""

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coproduction_kit.widgets import Reflection
from coproduction_kit.core.identity import PSEUDONYM_MAX, PseudonymError, validate_pseudonym
from coproduction_kit.widgets.session import Session
from coproduction_kit.store import Store
from coproduction_kit.nbgrader.exchange import escape_markdown

TEXT = "payment.personal-experience"
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)  # no lone surrogates


@given(ANY_TEXT)
def test_a_pseudonym_is_either_accepted_as_is_or_refused_with_the_rule(raw):
    try:
        kept = validate_pseudonym(raw)
    except PseudonymError as err:
        assert "1 to 40" in str(err) or "choose a pseudonym" in str(err)
        return
    assert 1 <= len(kept) <= PSEUDONYM_MAX
    assert not set(kept) & set("/\\+*.<>\"' \t\n\x00")  # nothing that reaches a path or markup


@settings(deadline=None)  # the first rendering imports nbconvert's Markdown renderer
@given(ANY_TEXT | st.lists(st.sampled_from(
    ["<script>", "</p>", "[x](javascript:alert(1))", "![i](http://h/x.png)", "*em*", "**strong**", "# h",
     "<iframe src=x>", "&lt;", "`code`", "| a | b |\n|---|---|", "<a href=x>", "\\", " ", "\n"]), max_size=12).map("".join))
@example("<script>alert(1)</script>")
@example("<<script>script>")
def test_escaped_answers_render_as_text_never_as_markup(text):
    from nbconvert.filters import markdown2html

    rendered = markdown2html(escape_markdown(text))
    for tag in ("<script", "<a ", "<img", "<h1", "<iframe", "<table", "<em>", "<strong>"):
        assert tag not in rendered.lower()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ANY_TEXT)
def test_any_answer_within_the_limit_comes_back_exactly(store, text):
    store.max_saves_per_minute = 1_000_000  # one participant saving every example at once
    person = store.participant_by_pseudonym("w", "prop") or store.add_participant("w", "prop")[0]
    store.save_answer(person, "payment", TEXT, text)
    assert store.get_answer(person, "payment", TEXT).value == text


def test_a_store_that_cannot_be_written_keeps_the_text_on_the_page_and_says_so(workshop, store):
    person, _ = store.add_participant(workshop.workshop_id, "read-only")
    path = workshop.store_url.removeprefix("sqlite:///")
    read_only = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    box = Reflection(TEXT, session=Session("participant", workshop, read_only, person))
    box._input.value = "words worth keeping"
    assert "Not saved" in box.status and "still on this page" in box.status
    assert box._input.value == "words worth keeping"
    assert store.get_answer(person, "payment", TEXT) is None  # nothing half-written
    assert not Path("file:").exists()  # the URI form names the store's own file, not a new folder here
