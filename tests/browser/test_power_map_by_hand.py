"""The power map placed by hand on the real power page (Debian's Chromium, a 360-pixel phone).

A finger drags a role across the map (touch events through Chromium's DevTools protocol, as a
phone's screen sends them) and the position lands in the store; with the keyboard alone a role is
reached with Tab, placed and moved with the arrow keys, and saved; the second map then draws an
arrow from the earlier place.  Nothing is fetched from anywhere but the workshop server.
"""

import re
import time

import pytest

from coproduction_kit.store import Store
from tests.helpers import choose_pseudonym, wait_until_drawn

pytestmark = pytest.mark.browser
BEFORE, AFTER = "power.map-before", "power.map-after"


def phone_page(chromium, voila_server, pseudonym):
    context = chromium.new_context(viewport={"width": 360, "height": 780}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    choose_pseudonym(page, voila_server, pseudonym)
    page.get_by_text("You are taking part as").wait_for()
    page.goto(f"{voila_server}voila/render/power.ipynb")
    page.locator(".pm-role").first.wait_for()
    wait_until_drawn(page)
    return context, page


def saved_map(prepared, pseudonym, exercise_id, until=lambda value: value is not None, seconds=30):
    store = Store(prepared.store_url)
    try:
        me = store.participant_by_pseudonym(prepared.workshop_id, pseudonym)
        deadline = time.monotonic() + seconds
        while True:
            answer = store.get_answer(me, "power", exercise_id)
            value = answer.value if answer else None
            if until(value) or time.monotonic() > deadline:
                return value
            time.sleep(0.3)
    finally:
        store.close()


def touch_drag(page, start, end, steps=12):
    """A finger from ``start`` to ``end`` (page coordinates), as the phone's screen reports it."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]})
    for step in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * step / steps
        y = start[1] + (end[1] - start[1]) * step / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def only_the_workshop_server(page, voila_server):
    # anywidget runs the board's script from a blob: URL the page makes itself; nothing goes elsewhere.
    return [url for url in page.requests if not url.startswith((voila_server, f"blob:{voila_server}"))]


def test_a_finger_drags_a_role_across_the_map_and_it_is_saved(chromium, voila_server, prepared):
    context, page = phone_page(chromium, voila_server, "finger-mapper")
    try:
        board = page.locator(".workshop-exercise").filter(has=page.locator(".pm")).first
        board.scroll_into_view_if_needed()
        # Every word on the map at least 16 px; nothing wider than the phone.
        sizes = board.evaluate("""b => [...b.querySelectorAll('.pm-role, .pm-help, .pm-axis, .pm-tray-title, .pm-list li')]
            .map(e => parseFloat(getComputedStyle(e).fontSize))""")
        assert len(sizes) > 10 and min(sizes) >= 16
        assert board.evaluate("b => b.querySelector('.pm').scrollWidth <= b.clientWidth")
        assert page.evaluate("[document.scrollingElement.scrollWidth <= innerWidth]") == [True]
        role = board.locator(".pm-tray .pm-role", has_text="Service-user educator")
        role.tap()  # a tap puts a waiting role in the middle of the map
        placed = board.locator(".pm-map .pm-role", has_text="Service-user educator")
        placed.wait_for()
        assert saved_map(prepared, "finger-mapper", BEFORE) == {"Service-user educator": [5, 5]}

        area = board.locator(".pm-map").bounding_box()
        start = placed.bounding_box()
        start = (start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
        end = (area["x"] + 0.2 * area["width"], area["y"] + 0.1 * area["height"])  # little authority, much expertise
        scrolled = page.evaluate("document.getElementById('rendered_cells').scrollTop")
        touch_drag(page, start, end)
        value = saved_map(prepared, "finger-mapper", BEFORE, until=lambda v: v and v["Service-user educator"] != [5, 5])
        assert value == {"Service-user educator": [2, 9]}
        # The finger moved the role, not the page.
        assert page.evaluate("document.getElementById('rendered_cells').scrollTop") == scrolled
        assert placed.get_attribute("aria-label") == \
            "Service-user educator: formal authority 2 of 10, recognised expertise 9 of 10"
        assert "Service-user educator: formal authority 2 of 10, recognised expertise 9 of 10" in \
            board.locator(".pm-list").inner_text()
        board.get_by_text(re.compile(r"Saved at \d\d:\d\d:\d\d")).wait_for()

        # Elsewhere on the page a finger still scrolls it.
        page.evaluate("document.getElementById('rendered_cells').scrollTop = 0")  # the module's opening text
        touch_drag(page, (180, 650), (180, 150))
        page.wait_for_timeout(500)
        assert page.evaluate("document.getElementById('rendered_cells').scrollTop") > 100
        assert only_the_workshop_server(page, voila_server) == []
    finally:
        context.close()


def test_keyboard_alone_places_and_moves_a_role_and_the_second_map_draws_the_arrow(chromium, voila_server, prepared):
    context, page = phone_page(chromium, voila_server, "key-mapper")
    focused = "() => { const e = document.activeElement; return e && e.classList.contains('pm-role') ? e.textContent : ''; }"
    try:
        for _ in range(400):  # Tab to the first map's first role
            page.keyboard.press("Tab")
            if page.evaluate(focused):
                break
        role = page.evaluate(focused)
        assert role == "Attending psychiatrist"
        page.keyboard.press("Enter")  # into the middle of the map
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Shift+ArrowUp")  # a bigger step
        page.keyboard.press("ArrowDown")
        assert page.evaluate(focused) == role  # focus stays on the role as it moves
        label = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert label == f"{role}: formal authority 6 of 10, recognised expertise 7 of 10"
        assert saved_map(prepared, "key-mapper", BEFORE, until=lambda v: v == {role: [6, 7]}) == {role: [6, 7]}
        status = page.locator(".pm-announce").first.inner_text()
        assert status == f"{role}: formal authority 6 of 10, recognised expertise 7 of 10."

        page.reload()  # the second map starts from the first: move it there
        page.locator(".pm-role").first.wait_for()
        wait_until_drawn(page)
        second = page.locator(".workshop-exercise").filter(has=page.locator(".pm")).nth(1)
        mover = second.locator(".pm-map .pm-role", has_text=role)
        mover.focus()
        page.keyboard.press("Shift+ArrowLeft")
        page.keyboard.press("Shift+ArrowLeft")
        assert saved_map(prepared, "key-mapper", AFTER, until=lambda v: v == {role: [0, 7]}) == {role: [0, 7]}
        assert second.locator("line.pm-arrow").count() >= 1 and second.locator("circle.pm-was").count() == 1
        assert f"{role}: formal authority 0 of 10, recognised expertise 7 of 10 (moved: less authority than before)" in \
            second.locator(".pm-list").inner_text()
        page.keyboard.press("Delete")  # back off the map
        assert saved_map(prepared, "key-mapper", AFTER, until=lambda v: v == {}) == {}
        assert only_the_workshop_server(page, voila_server) == []
    finally:
        context.close()
