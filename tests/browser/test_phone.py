"""A module page on a 360-pixel phone (Debian's Chromium, touch): readable, no sideways scrolling,
no serious accessibility problem in light or dark mode, and a progress line that follows the answers.

axe-core comes bundled with axe-playwright-python (nothing fetched)."""

import re

import pytest

from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.core.settings import load_config
from tests.helpers import serious_violations, wait_until_drawn

pytestmark = pytest.mark.browser
MODULES = list(load_curriculum(load_config().curriculum_dir).modules)
READY = 'button:has-text("Submit my shared answers"):not([disabled])'
# Exercise text a participant reads or taps: prompts, labels, choices, controls, the saved line.
EXERCISE_TEXT = (".workshop-prompt, .workshop-exercise .widget-label, .workshop-exercise .widget-label-basic, "
                 ".workshop-exercise .widget-radio-box label, .workshop-exercise select, "
                 ".workshop-exercise input:not([type=radio]):not([type=checkbox]), .workshop-exercise textarea, "
                 ".workshop-status")


def phone(chromium, voila_server, scheme: str, pseudonym: str):
    context = chromium.new_context(viewport={"width": 360, "height": 780}, has_touch=True, is_mobile=True,
                                   color_scheme=scheme)
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(voila_server)
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("You are taking part as").wait_for()
    return context, page


@pytest.fixture(scope="module")
def phone_page(chromium, voila_server):
    context, page = phone(chromium, voila_server, "light", "phone-schemes")
    yield page
    context.close()


def open_module(page, voila_server, module_id):
    page.goto(f"{voila_server}voila/render/{module_id}.ipynb")
    page.locator(READY).wait_for(state="visible")
    wait_until_drawn(page)


@pytest.mark.parametrize("module_id", MODULES)
def test_a_module_on_a_360_pixel_phone_in_light_and_dark_mode(phone_page, voila_server, module_id):
    """The page is opened once and read in both schemes: the kit's dark mode is CSS alone
    (workshop.css and the power map's stylesheet, `prefers-color-scheme`), which the browser applies
    again when the system's scheme changes, as on a phone switching at dusk."""
    page = phone_page
    page.emulate_media(color_scheme="light")
    open_module(page, voila_server, module_id)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"{scheme}: {width[0]} px wide at {width[1]}"
        # Voilà's pages scroll inside #rendered_cells: nothing in it is wider than it either.
        inner = page.evaluate("(e => [e.scrollWidth, e.clientWidth])(document.getElementById('rendered_cells'))")
        assert inner[0] <= inner[1], f"{scheme}: the page's content is {inner[0]} px wide in {inner[1]}"
        sizes = page.evaluate("""selector => [...document.querySelectorAll(selector)]
            .filter(e => e.offsetParent !== null)
            .map(e => [parseFloat(getComputedStyle(e).fontSize), e.className || e.tagName, e.textContent.slice(0, 40)])""",
                              EXERCISE_TEXT)
        assert len(sizes) > 10
        assert [s for s in sizes if s[0] < 16] == []
        # Colour contrast included: in dark mode, every text on its card and the page.
        assert serious_violations(page) == [], scheme


def test_the_progress_line_changes_when_an_answer_saves(chromium, voila_server):
    context, page = phone(chromium, voila_server, "light", "phone-progress")
    try:
        open_module(page, voila_server, "payment")
        progress = page.locator(".workshop-progress-text")
        assert re.fullmatch(r"0 of \d+ answered", progress.inner_text())
        top = progress.bounding_box()["y"]
        page.locator(".workshop-exercise textarea").nth(1).fill("Read on a phone.")
        page.locator(".workshop-exercise").nth(1).get_by_text(re.compile(r"Saved at \d\d:\d\d:\d\d")).wait_for()
        page.wait_for_function("() => document.querySelector('.workshop-progress-text').textContent.startsWith('1 of')")
        page.mouse.move(180, 400)
        page.mouse.wheel(0, 3000)  # scrolled down, the line stays at the top of the screen
        page.wait_for_timeout(500)
        assert page.evaluate("document.getElementById('rendered_cells').scrollTop") > 1000  # Voilà's scroller
        assert abs(progress.bounding_box()["y"] - top) < 2 and progress.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_reduced_motion_is_respected(chromium, motion):
    context = chromium.new_context(viewport={"width": 360, "height": 780}, reduced_motion=motion)
    page = context.new_page()
    try:
        page.set_content(f"<style>{_workshop_css()}</style><div id=x style='transition: opacity 2s'></div>")
        seconds = page.evaluate("parseFloat(getComputedStyle(document.getElementById('x')).transitionDuration)")
        assert (seconds < 0.001) == (motion == "reduce")
    finally:
        context.close()


def _workshop_css() -> str:
    from coproduction_kit.server import TEMPLATE_ROOT

    return (TEMPLATE_ROOT / "voila" / "templates" / "workshop" / "workshop.css").read_text()


def test_with_voila_s_front_end_the_text_comes_first_and_the_page_still_comes_alive(chromium, voila_front_server):
    """Issue #17, with Voilà's front end (``--front voila``, the fallback; test_light_front.py checks the
    same of the light one). On a slow phone Voilà's scripts (about 1.3 MB) take seconds: the module's
    text shows without them, and a line says the exercises are on their way (here the browser holds
    the scripts back until that is checked). The page asks for them only after the text is painted,
    and still comes alive when they arrive."""
    voila_server = voila_front_server
    context, page = phone(chromium, voila_server, "light", "phone-text-first")
    try:
        held, asked = [], []
        page.route(re.compile(r".*/voila/static/voila\.js.*"), lambda route: held.append(route))
        page.on("request", lambda request: asked.append(request.url))
        page.goto(f"{voila_server}voila/render/power.ipynb")
        page.get_by_role("heading", name="What this module is about").wait_for(state="visible", timeout=60_000)
        assert page.get_by_role("heading", name="Three kinds of power").is_visible()
        # The module's opening (title, summary, objectives) is the page's own HTML, not widget output.
        title = load_curriculum(load_config().curriculum_dir).module("power")["title"]
        assert page.get_by_role("heading", name=title, level=1).is_visible()
        assert page.get_by_role("heading", name="What you will be able to do").is_visible()
        assert page.get_by_text("Getting the exercises ready").is_visible()
        assert page.locator(".widget-textarea").count() == 0  # no widget is live: the text came alone

        for _ in range(600):  # the page asks for the scripts once its text is painted
            if held:
                break
            page.wait_for_timeout(100)
        assert len(held) == 1 and any(url.endswith("/voila/static/voila.js") for url in asked)
        held[0].continue_()
        page.locator(READY).wait_for(state="visible")
        times = page.evaluate("""async () => {
            const entries = await new Promise(done => new PerformanceObserver(list => done(list.getEntries()))
                                              .observe({type: 'largest-contentful-paint', buffered: true}));
            return {paint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
                    largest: entries[entries.length - 1].startTime,
                    voila: performance.getEntriesByType('resource')
                                      .find(e => e.name.endsWith('/voila/static/voila.js')).startTime};
        }""")
        assert times["paint"] < times["voila"], times
        assert times["largest"] < times["voila"], times  # the largest text was the first thing painted
    finally:
        context.close()
