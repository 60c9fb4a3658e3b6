"""Preheated pages in a real browser: a page from Voilà's pool still knows who is answering.

The server runs with a room plan (``--room``/``--pages``): today's first page is preheated
before anyone asks for it, and the page binds to the participant whose request takes it.
"""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.helpers import choose_pseudonym, serious_violations, start_voila, stop_voila, wait_in_log
from coproduction_kit.core.curriculum import load_curriculum

pytestmark = pytest.mark.browser
TIMEOUT = 90_000
ANSWER = "I arrive a little tired, and curious."


USED = r"Using pre-heated kernel: \S+ for orientation\.ipynb"


@pytest.fixture(scope="module")
def preheated_server(prepared):
    process, url = start_voila(prepared, args=("--room", "2", "--pages", "orientation,power", "--reserve", "1"))
    log = Path(prepared.data_dir) / f"voila-{urlparse(url).port}.log"
    try:
        wait_in_log(log, r"Kernel pool of orientation\.ipynb is filled with 2")
        yield url, log
    finally:
        stop_voila(process)


def test_a_pooled_page_binds_to_its_participant_and_the_room_plan_moves_on(chromium, preheated_server, prepared):
    url, log = preheated_server
    used_before = len(re.findall(USED, log.read_text()))
    context = chromium.new_context(viewport={"width": 412, "height": 915})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        choose_pseudonym(page, url, "pooled-page")
        title = load_curriculum(prepared.curriculum_dir).module("orientation")["title"]
        page.get_by_role("link", name=title).click()

        page.get_by_text("You are answering as").wait_for()
        assert page.locator(".workshop-who strong").inner_text() == "pooled-page"
        text = wait_in_log(log, USED)
        assert "The room reached orientation.ipynb" in text and "Filling power.ipynb for 2" in text

        exercise = page.locator(".workshop-exercise").first
        box = exercise.locator("textarea")
        assert box.is_enabled()
        box.press_sequentially(ANSWER, delay=15)
        exercise.get_by_text(re.compile(r"Saved at \d\d:\d\d:\d\d")).wait_for()

        page.reload()  # served from the reserve kept on the page the room reached
        page.wait_for_function(
            "answer => document.querySelector('.workshop-exercise textarea')?.value === answer", arg=ANSWER
        )
        page.locator(".workshop-exercise").first.get_by_text("Restored your saved answer").wait_for()
        assert len(re.findall(USED, log.read_text())) == used_before + 2
        assert page.get_by_text("Opening your saved answers").count() == 0
    finally:
        context.close()


def test_a_pooled_page_without_a_participant_goes_to_the_start_page_and_takes_no_kernel(chromium, preheated_server):
    url, log = preheated_server
    used_before = log.read_text().count("Using pre-heated kernel")
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(url + "voila/render/orientation.ipynb")
        page.get_by_label("Pseudonym").wait_for()
        assert page.url == url
        assert log.read_text().count("Using pre-heated kernel") == used_before
    finally:
        context.close()


def test_a_personal_link_switches_this_browser_only_on_the_button(chromium, voila_server):
    url = voila_server
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        for name in ("link-owner", "link-opener"):
            if name == "link-opener":
                secret = next(c["value"] for c in context.cookies() if c["name"] == "workshop_participant")
                page.get_by_role("button", name=re.compile("Start with another pseudonym")).click()
            choose_pseudonym(page, url, name)
            page.get_by_text(f"You are taking part as {name}").wait_for()
        page.goto(f"{url}?resume={secret}")
        page.get_by_text("This browser is signed in as link-opener").wait_for()
        assert serious_violations(page) == []
        page.get_by_role("button", name="Continue as link-owner").click()
        page.get_by_text("You are taking part as link-owner").wait_for()
        assert page.url == url  # the secret left the address bar
    finally:
        context.close()
