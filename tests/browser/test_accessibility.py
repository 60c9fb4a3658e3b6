"""axe-core (bundled with axe-playwright-python, nothing fetched) on Debian's Chromium, at phone
width: no serious or critical violation on the start page, the journal, withdrawal and the
facilitators' report. Every module page is checked by tests/browser/test_phone.py, at 360 pixels in
light and dark mode."""

import pytest

from tests.helpers import choose_pseudonym, serious_violations, wait_until_drawn

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def phone(chromium, voila_server):
    context = chromium.new_context(viewport={"width": 412, "height": 915})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(voila_server)
    assert serious_violations(page) == []  # the start page before a pseudonym is chosen
    page.get_by_label("Pseudonym").fill("axe-checker")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("You are taking part as").wait_for()
    yield page
    context.close()


@pytest.mark.parametrize("path", ["", "withdraw"])
def test_no_serious_accessibility_violation(phone, voila_server, path):
    phone.goto(voila_server + path)
    assert serious_violations(phone) == []


def test_the_downloaded_journal_has_no_serious_violation(phone, voila_server):
    response = phone.request.get(voila_server + "journal.html")  # a download: read it, then show it
    assert response.ok and "attachment" in response.headers["content-disposition"]
    phone.set_content(response.text())
    assert serious_violations(phone) == []


def test_the_report_with_its_charts_has_no_serious_violation(chromium, curriculum, tmp_path):
    from datetime import datetime, timezone

    from coproduction_kit.review.report import build_report
    from coproduction_kit.store import FACILITATORS, Store

    store = Store.in_memory()
    for number in range(3):
        person, _ = store.add_participant("axe", f"reader-{number}")
        sent = [store.save_answer(person, "payment", entry["id"], value, share=FACILITATORS)
                for entry, value in [(curriculum.exercise("payment.raise-payment-readiness"), number + 2),
                                     (curriculum.exercise("payment.gift-card-case"),
                                      curriculum.exercise("payment.gift-card-case")["options"][number]),
                                     (curriculum.exercise("payment.personal-experience"), f"<b>Said</b> {number}")]]
        store.record_submission(person, "payment", sent, datetime.now(timezone.utc), "folder")
    page_html = build_report(store, "axe", curriculum, tmp_path / "review")["html"].read_text("utf-8")
    assert page_html.count("<svg") >= 2  # a rating and a choice drawn
    context = chromium.new_context(viewport={"width": 412, "height": 915}, offline=True)
    try:
        page = context.new_page()
        page.set_content(page_html)
        assert serious_violations(page) == []
    finally:
        context.close()
        store.close()


@pytest.mark.parametrize("path", ["", "voila/render/payment.ipynb"])
def test_pages_reflow_at_320_pixels_like_400_percent_zoom(chromium, voila_server, path):
    """WCAG reflow: at 320 CSS pixels wide nothing needs scrolling sideways."""
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        choose_pseudonym(page, voila_server, f"narrow-{len(path)}")
        page.goto(voila_server + path)
        if path:
            page.locator(".workshop-exercise").first.wait_for()
            wait_until_drawn(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 321, f"{width}px wide at 320"
    finally:
        context.close()


def test_a_module_can_be_answered_shared_and_submitted_with_the_keyboard_alone(chromium, voila_server, prepared):
    from coproduction_kit.store import Store

    context = chromium.new_context(viewport={"width": 412, "height": 915})
    page = context.new_page()
    page.set_default_timeout(120_000)
    focused = "() => document.activeElement"

    def tab_until(test: str, limit: int = 600):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({test}); }}"):
                return
        raise AssertionError(f"never reached: {test}")

    try:
        page.goto(voila_server)
        tab_until("e.id === 'pseudonym'")
        page.keyboard.press("Control+A")
        page.keyboard.type("keys-only")
        page.keyboard.press("Enter")
        page.get_by_text("You are taking part as").wait_for()
        tab_until("e.tagName === 'A' && e.getAttribute('href').endsWith('payment.ipynb')")
        page.keyboard.press("Enter")
        page.locator(".workshop-exercise textarea").first.wait_for()
        wait_until_drawn(page)
        tab_until("e.tagName === 'TEXTAREA'")  # the check-in
        tab_until("e.tagName === 'TEXTAREA'")  # the first reflection
        page.keyboard.type("Typed without a mouse.")
        tab_until("e.type === 'radio' && e.closest('.workshop-exercise')")  # who can read this answer
        page.keyboard.press("ArrowDown")  # share with the facilitators
        page.wait_for_timeout(1500)
        tab_until("e.tagName === 'BUTTON' && e.textContent.includes('Submit my shared answers')")
        page.keyboard.press("Enter")
        page.get_by_text("Sent at").wait_for()
        assert page.evaluate(focused) is not None
    finally:
        context.close()
    store = Store(prepared.store_url)
    me = store.participant_by_pseudonym(prepared.workshop_id, "keys-only")
    answer = store.get_answer(me, "payment", "payment.personal-experience")
    assert answer.value == "Typed without a mouse." and answer.share == "facilitators"
    assert answer.submitted_at is not None
