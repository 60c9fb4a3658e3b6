"""axe-core (bundled with axe-playwright-python, nothing fetched) on Debian's Chromium, at phone
width: no serious or critical violation on the start page, every module, the journal and withdrawal."""

import pytest

from tests.test_voila_render import module_paths

pytestmark = pytest.mark.browser
SERIOUS = ("serious", "critical")


def serious_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [(v["id"], v["impact"], v["nodes"][0]["html"][:120]) for v in result.response["violations"]
            if v["impact"] in SERIOUS]


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


@pytest.mark.parametrize("path", ["", "withdraw", *module_paths()])
def test_no_serious_accessibility_violation(phone, voila_server, path):
    phone.goto(voila_server + path)
    if path.startswith("voila/render/"):
        phone.locator(".workshop-exercise").first.wait_for()
        phone.wait_for_timeout(1500)  # the widgets finish drawing
    assert serious_violations(phone) == []


def test_the_downloaded_journal_has_no_serious_violation(phone, voila_server):
    response = phone.request.get(voila_server + "journal.html")  # a download: read it, then show it
    assert response.ok and "attachment" in response.headers["content-disposition"]
    phone.set_content(response.text())
    assert serious_violations(phone) == []
