"""My journal, as pure functions over the store."""

from coproduction_kit.review.journal import journal_entries, journal_html, journal_markdown
from coproduction_kit.store import ROOM


def test_journal_lists_every_answer_in_series_order_with_its_share(workshop, store, curriculum):
    me, _ = store.add_participant(workshop.workshop_id, "keeper")
    store.save_answer(me, "payment", "payment.personal-experience", "line one\nline two", share=ROOM)
    store.save_answer(me, "orientation", "orientation.why-psychiatry", "first module")
    entries = journal_entries(store, me, curriculum)
    assert [e["title"] for e in entries] == [curriculum.module("orientation")["title"],
                                            curriculum.module("payment")["title"]]
    markdown = journal_markdown(store, me, curriculum)
    assert "line one\nline two" in markdown and "shared anonymously with the room" in markdown
    assert "line one<br>line two" in journal_html(store, me, curriculum)


def test_an_empty_journal_says_so(workshop, store, curriculum):
    me, _ = store.add_participant(workshop.workshop_id, "newcomer")
    assert "not answered anything yet" in journal_html(store, me, curriculum)


def test_the_journal_and_the_module_page_say_which_versions_are_kept(workshop, curriculum):
    """Issue #14 item 9: deleted text was kept without the participant being told."""
    from coproduction_kit.widgets.module_page import opening
    from coproduction_kit.store import Store

    store = Store(workshop.store_url, max_revisions=7)
    me, _ = store.add_participant(workshop.workshop_id, "told")
    for text in (journal_markdown(store, me, curriculum), journal_html(store, me, curriculum)):
        assert "last 7 saved versions" in text and "withdrawing" in text
    from coproduction_kit.widgets.session import PARTICIPANT, Session

    page = opening("payment", Session(PARTICIPANT, workshop, store, me))  # what this store keeps
    assert "last 7 saved versions" in page and "text you since deleted included" in page
