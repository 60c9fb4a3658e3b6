"""A participant in a real browser (Debian's Chromium): answer, see it saved, reload, submit.

Then the facilitator collects, and nbgrader's gradebook has the answer.
"""

import re
from urllib.parse import urlparse

import nbformat
import pytest

from tests.helpers import choose_pseudonym
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.nbgrader.course import collect

pytestmark = pytest.mark.browser
ANSWER = "Being paid told me my <b>time</b> counted."
TIMEOUT = 90_000  # ms: a page starts a kernel on a 2-core machine


@pytest.fixture
def page(chromium, voila_server):
    context = chromium.new_context(viewport={"width": 412, "height": 915})  # a phone-sized screen
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def first_exercise(page):
    return page.locator(".workshop-exercise").first


def test_answer_is_saved_restored_submitted_and_collected(page, voila_server, prepared):
    choose_pseudonym(page, voila_server, "browser-tester")
    page.get_by_text("You are taking part as").wait_for()
    page.get_by_role("link", name=load_curriculum(prepared.curriculum_dir).module("payment")["title"]).click()

    exercise = first_exercise(page)
    box = exercise.locator("textarea")
    box.wait_for()
    page.get_by_text("You are answering as").wait_for()
    box.press_sequentially(ANSWER, delay=15)
    exercise.get_by_text(re.compile(r"Saved at \d\d:\d\d:\d\d")).wait_for()
    exercise.get_by_label("Share with the facilitators").check()
    page.wait_for_timeout(1500)  # the share change saves after the same short pause

    page.reload()
    box = first_exercise(page).locator("textarea")
    box.wait_for()
    page.wait_for_function(
        "answer => document.querySelector('.workshop-exercise textarea').value === answer", arg=ANSWER
    )
    assert first_exercise(page).get_by_label("Share with the facilitators").is_checked()
    first_exercise(page).get_by_text("Restored your saved answer").wait_for()

    page.get_by_role("button", name="Submit my shared answers").click()
    page.get_by_text(re.compile(r"Sent at \d\d:\d\d:\d\d: 1 answer")).wait_for()
    # What was sent is shown to the participant, escaped.
    assert page.get_by_text(ANSWER).count() >= 1

    page.goto(voila_server)
    payment_title = load_curriculum(prepared.curriculum_dir).module("payment")["title"]
    progress = page.locator("li", has=page.get_by_role("link", name=payment_title)).locator(".progress").inner_text()
    assert progress.startswith("1 of") and "Submitted at" in progress

    # Nothing on the way asked any host but the workshop server.
    server = urlparse(voila_server).netloc
    outside = [u for u in page.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).netloc != server]
    assert outside == []

    # The facilitator collects: nbgrader has the answer, escaped.
    collect(prepared, load_curriculum(prepared.curriculum_dir), say=lambda _: None)
    from coproduction_kit.store import Store

    review_id = Store(prepared.store_url).participant_by_pseudonym(prepared.workshop_id, "browser-tester").review_id
    submitted = prepared.course_dir / "submitted" / review_id / "payment" / "payment.ipynb"
    text = nbformat.writes(nbformat.read(submitted, as_version=4))
    assert "Being paid told me my &lt;b&gt;time&lt;/b&gt; counted" in text
    assert "<b>time</b>" not in text

    # A facilitator comments (as formgrader does), releases feedback; the participant reads it.
    from nbgrader.api import Gradebook

    from coproduction_kit.nbgrader.exchange import grade_id
    from coproduction_kit.nbgrader.course import release_feedback

    with Gradebook(f"sqlite:///{prepared.course_dir / 'gradebook.db'}", prepared.workshop_id) as gb:
        comment = gb.find_comment(grade_id("payment.personal-experience"), "payment", "payment", review_id)
        comment.manual_comment = "Thank you: time counting is exactly the point of the 2020 paper."
        gb.db.commit()
    release_feedback(prepared, load_curriculum(prepared.curriculum_dir), say=lambda _: None)
    page.goto(voila_server)
    page.get_by_role("link", name=f"Feedback from the facilitators on {payment_title}").click()
    page.get_by_text("time counting is exactly the point").wait_for()

    # The participant withdraws: every copy goes, and they are told what was removed.
    page.goto(voila_server)
    page.get_by_role("link", name="Withdraw all my answers").click()
    page.get_by_label("Yes, remove all my answers").check()
    page.get_by_role("button", name="Withdraw my answers").click()
    page.get_by_text("Your answers were removed").wait_for()
    assert "1 submission(s) from the nbgrader exchange" in page.content()
    inbound = prepared.exchange_root / prepared.workshop_id / "inbound"
    assert not [f for f in inbound.iterdir() if f.name.startswith(review_id + "+")]
    assert not list(prepared.course_dir.glob(f"*/{review_id}"))
    assert Store(prepared.store_url).participant_by_pseudonym(prepared.workshop_id, "browser-tester") is None
    with Gradebook(f"sqlite:///{prepared.course_dir / 'gradebook.db'}", prepared.workshop_id) as gb:
        assert review_id not in {s.id for s in gb.students}


def test_a_server_killed_mid_workshop_loses_no_saved_draft(chromium, prepared_copy):
    """kill -9 the server while a participant is answering; after a restart the draft is there."""
    from tests.helpers import start_voila, stop_voila

    workshop = prepared_copy
    process, url = start_voila(workshop)
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        choose_pseudonym(page, url, "restart-tester")
        page.goto(url + "voila/render/payment.ipynb")
        box = first_exercise(page).locator("textarea")
        box.press_sequentially("Written before the crash.", delay=10)
        first_exercise(page).get_by_text(re.compile(r"Saved at")).wait_for()
        stop_voila(process, kill=True)
        # The open page says plainly that the connection went and that saved answers are safe.
        page.get_by_role("alert").filter(has_text="Everything saved so far is safe").wait_for()

        process, url = start_voila(workshop)  # a new server, another port: the cookie still holds
        page.goto(url + "voila/render/payment.ipynb")
        first_exercise(page).locator("textarea").wait_for()
        page.wait_for_function(
            "() => document.querySelector('.workshop-exercise textarea').value === 'Written before the crash.'"
        )
        assert first_exercise(page).locator("textarea").input_value() == "Written before the crash."
    finally:
        context.close()
        stop_voila(process)
