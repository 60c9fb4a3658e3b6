"""The room view in real browsers: participants share with the room; facilitators reveal, hide.

Runs the real `workshop serve` (participants' Voilà and the facilitators' JupyterLab).
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.helpers import choose_pseudonym, link_after, serious_violations, serve, stop_serve, wait_until_drawn
from coproduction_kit.core.settings import load_config
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.store import ROOM, Store

pytestmark = pytest.mark.browser
TIMEOUT = 120_000
TEXT = "payment.personal-experience"


def test_shared_answers_reach_the_room_only_when_revealed_and_moderation_works(chromium, tmp_path, prepared_course):
    # Today's page made ready for the participant driven below (the default readies two pages of
    # every module: twelve kernels on a 2-core test machine).
    process, lines = serve(tmp_path, "--today", "payment", "--room", "1", course=prepared_course)
    contexts = []
    try:
        participant_link = link_after(lines, "Participant link")
        # A participant answers and shares in their own browser ...
        context = chromium.new_context(viewport={"width": 412, "height": 915})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        choose_pseudonym(page, participant_link, "room-person-0")
        page.goto(participant_link + "voila/render/payment.ipynb")
        exercise = page.locator(".workshop-exercise").nth(1)  # the first after the check-in
        exercise.locator("textarea").press_sequentially("Browser answer 0", delay=5)
        exercise.get_by_label("Share anonymously with the room").check()
        exercise.get_by_text(re.compile("Saved at")).wait_for()
        page.wait_for_timeout(1000)
        # ... and four more shared through the store, as their pages would save them (k = 5 needs
        # five; more browsers would drive the same page, control and save again).
        workshop = load_config(tmp_path / "data", workshop_id="serve-test")
        store = Store(workshop.store_url)
        for n in range(1, 5):
            person, _ = store.add_participant("serve-test", f"room-person-{n}")
            store.save_answer(person, "payment", TEXT, f"Shared answer {n}", share=ROOM)

        facilitator = chromium.new_context()
        contexts.append(facilitator)
        requested = []
        facilitator.on("request", lambda request: requested.append(request.url))
        room = facilitator.new_page()
        room.set_default_timeout(TIMEOUT)
        payment = load_curriculum(workshop.curriculum_dir).module("payment")["title"]
        room.goto(link_after(lines, "Room view"))
        room.get_by_role("button", name=payment).click()  # the module picker
        try:
            room.get_by_text("Browser answer 0").wait_for()
        except PlaywrightTimeout:  # say what the facilitator saw instead (the servers' logs follow)
            chosen = room.locator(".widget-toggle-button.mod-active").all_inner_texts()
            raise AssertionError(f"the room view never showed 'Browser answer 0'; module chosen: {chosen}; it showed:\n"
                                 + room.locator("body").inner_text()[-3000:]) from None
        assert room.get_by_text("5 shared with the room · not revealed").count() >= 1
        assert room.get_by_text("room-person-0").count() == 0  # no pseudonyms in the room view

        projector = facilitator.new_page()
        projector.set_default_timeout(TIMEOUT)
        projector.goto(link_after(lines, "Projector"))
        projector.get_by_role("button", name=payment).click()
        projector.get_by_text("Not revealed yet").first.wait_for()
        assert projector.get_by_text("Browser answer 0").count() == 0

        assert serious_violations(room) == [] and serious_violations(projector) == []
        prompt = room.locator(".widget-vbox", has=room.get_by_text("5 shared with the room · not revealed")).last
        prompt.get_by_role("button", name="Reveal to the room").click()
        projector.get_by_text("Browser answer 0").wait_for()  # updates by itself, no reload

        answer = room.locator(".widget-vbox", has=room.get_by_text("Shared answer 2", exact=True)).last
        answer.get_by_role("button", name="Hide this answer").click()
        room.get_by_text("1 hidden by a facilitator").wait_for()
        projector.wait_for_function(
            "() => !document.body.innerText.includes('Shared answer 2')", timeout=TIMEOUT
        )
        assert projector.get_by_text("Browser answer 0").count() == 1
        # The facilitator pages, too, ask nothing of any host but the workshop's own server.
        from urllib.parse import urlparse

        # The other views too, every widget drawn (the session plan is checked on a phone in
        # test_cofacilitators_browser.py).
        for view, shown in (("Join card", ".workshop-join-card"), ("Programme figures", "button:has-text('Save the figures')")):
            other = facilitator.new_page()
            other.set_default_timeout(TIMEOUT)
            other.goto(link_after(lines, view))
            wait_until_drawn(other)
            assert other.locator(shown).count() == 1, view
            assert serious_violations(other) == [], view
        lab = urlparse(link_after(lines, "Room view")).netloc
        assert [u for u in requested if urlparse(u).scheme in ("http", "https", "ws", "wss")
                and urlparse(u).netloc != lab] == []
        # JupyterLab's views are drawn by the kit's light front end, as participants' pages are.
        assert any("/static/light-front.js" in u for u in requested)
        assert not any("/voila/static/voila.js" in u for u in requested)
    finally:
        for context in contexts:
            context.close()
        stop_serve(process)
