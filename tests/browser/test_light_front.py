"""The light participant front end (front/, issue #17), what draws a participant's widgets by default.

Every browser test drives it (the session's server is started as `workshop serve` starts it); these
check what is its own: no Voilà scripts, the text first, no module fetched from anywhere.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.helpers import choose_pseudonym

pytestmark = pytest.mark.browser
READY = 'button:has-text("Submit my shared answers"):not([disabled])'


@pytest.fixture(scope="module")
def light_server(voila_server):
    return voila_server


def new_phone_page(chromium):
    context = chromium.new_context(viewport={"width": 360, "height": 780}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.asked = asked
    return context, page


@pytest.fixture
def phone_page(chromium):
    context, page = new_phone_page(chromium)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def payment_page(chromium, light_server):
    """One participant's payment page, opened once for the tests that read it (the last one answers)."""
    context, page = new_phone_page(chromium)
    try:
        open_payment(page, light_server, "light-tester")
        yield page
    finally:
        context.close()


def open_payment(page, url: str, pseudonym: str) -> None:
    """Take part as ``pseudonym`` and open the payment page until its Submit is enabled."""
    choose_pseudonym(page, url, pseudonym)
    page.get_by_text("You are taking part as").wait_for()
    page.goto(f"{url}voila/render/payment.ipynb")
    page.locator(READY).wait_for(state="visible")


def test_the_text_is_readable_when_the_light_front_end_never_arrives(phone_page, light_server):
    page = phone_page
    choose_pseudonym(page, light_server, "light-text-first")
    page.get_by_text("You are taking part as").wait_for()
    page.route(re.compile(r".*/static/light-front\.js.*"), lambda route: route.abort())
    page.goto(f"{light_server}voila/render/power.ipynb")
    page.get_by_role("heading", name="What this module is about").wait_for(state="visible", timeout=60_000)
    assert page.get_by_text("Getting the exercises ready").is_visible()
    assert page.locator(".widget-textarea").count() == 0


def test_the_light_front_end_runs_after_the_text_is_painted(payment_page):
    page = payment_page
    times = page.evaluate("""() => ({
        paint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
        front: performance.getEntriesByName('workshop-front-start')[0].startTime})""")
    assert times["paint"] <= times["front"], times


def test_an_unknown_widget_module_fails_loudly_and_fetches_nothing(payment_page):
    """A widget from a module not in the bundle is an error in the console and on the page; no script
    is asked for from anywhere (Voilà's front end would try a CDN)."""
    page = payment_page
    before = len(page.asked)
    error = page.evaluate("""async () => {
        try { await window.workshopLight.manager.loadClass('AModel', 'some-widget-module', '1.0.0'); return null; }
        catch (e) { return String(e.message || e); }
    }""")
    assert "not in this page's bundle" in error
    assert page.evaluate("window.workshopLight.manager.loadClass('IntSliderModel', '@jupyter-widgets/controls', "
                         "'3.0.0').then(() => null, e => String(e.message))").startswith("@jupyter-widgets/controls@3.0.0")
    assert len(page.asked) == before


# Markup that has got past HTML sanitisers before (script, event handlers, javascript: links, and
# namespace confusion that changes meaning when the cleaned markup is parsed again).
HOSTILE = [
    '<img src=x onerror="window.pwned=1">',
    '<script>window.pwned=1</script>after',
    '<a href="javascript:window.pwned=1">link</a>',
    '<a href=" javascript:window.pwned=1">link</a>',
    '<a href="https://example.org/" onclick="window.pwned=1" style="color:red">fine</a>',
    '<svg><p><style><img src=x onerror="window.pwned=1"></style></p></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.pwned=1">',
    '<noscript><p title="</noscript><img src=x onerror=window.pwned=1>">',
    '<form><math><mtext></form><form><mglyph><style></math><img src onerror=window.pwned=1>',
    '<iframe srcdoc="<script>parent.pwned=1</script>"></iframe>',
    '<!--><img src=x onerror=window.pwned=1>-->',
    '<b style="background:url(javascript:window.pwned=1)">bold</b> <span title="x" class="y">plain</span>',
    '<svg><a xlink:href="javascript:window.pwned=1"><text>svg link</text></a></svg>',
    '<details open ontoggle="window.pwned=1">d</details><video><source onerror="window.pwned=1"></video>',
]


def test_html_a_description_allows_is_cut_to_inline_text_markup_and_runs_nothing(payment_page):
    """ipywidgets' ``description_allow_html`` goes through the light manager's ``inline_sanitize``
    (front/src/manager.js, the browser's own parser in place of sanitize-html). No kit control sets
    it; if one ever does, whatever the description holds comes out as inline text markup only, the
    same when the browser parses it again, and nothing in it runs."""
    page = payment_page
    results = page.evaluate("""async (hostile) => {
        window.pwned = undefined;
        const out = [];
        for (const source of hostile) {
            const clean = window.workshopLight.manager.inline_sanitize(source);
            const place = document.createElement('div');
            place.hidden = true;
            document.body.appendChild(place);
            place.innerHTML = clean;  // as ipywidgets does with the result
            const elements = [...place.querySelectorAll('*')].map(e => [e.localName, e.namespaceURI,
                [...e.attributes].map(a => [a.name, a.value])]);
            out.push({source, clean, again: place.innerHTML, elements});
        }
        await new Promise(r => setTimeout(r, 500));  // an onerror or ontoggle would have fired
        return {out, pwned: window.pwned === undefined ? null : window.pwned};
    }""", HOSTILE)
    inline = {"a", "abbr", "b", "bdi", "bdo", "br", "code", "del", "dfn", "em", "i", "kbd", "mark", "q", "s",
              "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
    assert results["pwned"] is None
    for result in results["out"]:
        assert result["again"] == result["clean"], result  # parsed again, the same markup
        for name, namespace, attributes in result["elements"]:
            assert name in inline and namespace == "http://www.w3.org/1999/xhtml", result
            assert all(name == "a" and attribute == "href" and value.startswith("https://")
                       for attribute, value in attributes), result
    cleaned = {r["source"]: r["clean"] for r in results["out"]}
    assert cleaned[HOSTILE[4]] == '<a href="https://example.org/">fine</a>'  # what is allowed stays
    assert cleaned[HOSTILE[1]] == "window.pwned=1after"  # a script's text shown as text, never run
    assert cleaned[HOSTILE[11]] == "<b>bold</b> <span>plain</span>"


def test_a_participant_answers_shares_and_submits_with_the_light_front_end(payment_page, light_server):
    page = payment_page
    assert page.evaluate("document.body.dataset.workshopFront") == "ready"
    exercise = page.locator(".workshop-exercise").first
    exercise.locator("textarea").press_sequentially("Typed on the light page.", delay=10)
    exercise.get_by_text(re.compile(r"Saved at \d\d:\d\d:\d\d")).wait_for()
    exercise.get_by_label("Share with the facilitators").check()
    page.wait_for_timeout(1500)  # the share change saves after the same short pause
    page.get_by_role("button", name="Submit my shared answers").click()
    page.get_by_text(re.compile(r"Sent at \d\d:\d\d:\d\d: 1 answer")).wait_for()

    # Voilà's front end was not loaded, nor its styles' script; nothing came from any other host.
    assert not [url for url in page.asked if "/voila/static/" in url or "voila-style.js" in url]
    assert any("/static/light-front.js" in url for url in page.asked)
    server = urlparse(light_server).netloc
    assert {urlparse(url).netloc for url in page.asked if url.startswith("http")} == {server}
