"""Sorting and the CRediT matrix by touch on a 360-pixel phone (Debian's Chromium, has_touch):
a scenario placed with a tap and moved with another, one placed from the keyboard, a contributor's
roles filled one person at a time; the store holds what the page shows, and nothing scrolls sideways."""

import pytest

from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.store import Store
from tests.helpers import choose_pseudonym, serious_violations, wait_until

pytestmark = pytest.mark.browser
READY = 'button:has-text("Submit my shared answers"):not([disabled])'


@pytest.fixture
def phone(chromium):
    """A touch phone, in the system's light mode; each test reads its page in dark mode too."""
    context = chromium.new_context(viewport={"width": 360, "height": 780}, has_touch=True, is_mobile=True,
                                   color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()


def open_module(page, voila_server, module_id):
    page.goto(f"{voila_server}voila/render/{module_id}.ipynb")
    page.locator(READY).wait_for(state="visible")
    page.get_by_text("You are answering as").wait_for()


def saved_value(prepared, pseudonym, module_id, exercise_id):
    store = Store(prepared.store_url)
    try:
        person = store.participant_by_pseudonym(prepared.workshop_id, pseudonym)
        answer = store.get_answer(person, module_id, exercise_id)
        return None if answer is None else answer.value
    finally:
        store.close()


def in_both_schemes(page):
    """Nothing scrolls sideways and axe finds nothing serious, in light and then dark mode (the kit's
    dark mode is CSS alone, applied again when the system's scheme changes)."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        nothing_scrolls_sideways(page)
        assert serious_violations(page) == [], scheme  # contrast of the chosen buttons included


def nothing_scrolls_sideways(page):
    outer = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    inner = page.evaluate("(e => [e.scrollWidth, e.clientWidth])(document.getElementById('rendered_cells'))")
    assert outer[0] <= outer[1] and inner[0] <= inner[1], (outer, inner)


def test_a_scenario_is_placed_by_a_tap_moved_by_another_and_placed_from_the_keyboard(phone, voila_server, prepared):
    entry = load_curriculum(prepared.curriculum_dir).exercise("power.three-kinds")
    first, second = entry["items"][0]["id"], entry["items"][1]["id"]
    sorter = "touch-sorter"
    choose_pseudonym(phone, voila_server, sorter)
    open_module(phone, voila_server, "power")
    card = phone.locator(".workshop-exercise", has_text="Which kind of power")
    rows = card.locator(".workshop-choice-buttons")
    assert rows.count() == len(entry["items"])

    over = rows.nth(0).get_by_role("button", name="Power-over")
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box  # a finger's size
    assert over.evaluate("b => parseFloat(getComputedStyle(b).fontSize)") >= 16
    over.tap()
    card.get_by_text("Item 1 is in Power-over").wait_for()
    card.get_by_text("To discuss").first.wait_for()
    assert wait_until(lambda: saved_value(prepared, sorter, "power", "power.three-kinds") == {first: "Power-over"})

    rows.nth(0).get_by_role("button", name="Power-with").tap()  # moved again with one more tap
    card.get_by_text("Item 1 is in Power-with").wait_for()
    assert wait_until(lambda: saved_value(prepared, sorter, "power", "power.three-kinds") == {first: "Power-with"})

    power_to = rows.nth(1).get_by_role("button", name="Power-to")
    power_to.focus()  # Tab reaches each button; Space (or Enter) presses it
    phone.keyboard.press("Space")
    card.get_by_text("Item 2 is in Power-to").wait_for()
    assert wait_until(lambda: saved_value(prepared, sorter, "power", "power.three-kinds")
                      == {first: "Power-with", second: "Power-to"})
    assert "Power-with: 1" in card.locator(".workshop-summary").inner_text()
    in_both_schemes(phone)


def test_a_contributors_roles_are_filled_one_person_at_a_time(phone, voila_server, prepared):
    team = load_curriculum(prepared.curriculum_dir).exercise("authorship.credit-matrix")["team"]
    dee = next(p for p in team if p["name"] == "Dee")
    marker = "touch-credit"
    choose_pseudonym(phone, voila_server, marker)
    open_module(phone, voila_server, "authorship")
    card = phone.locator(".workshop-exercise", has_text="Whose part are you marking?")
    assert card.locator("select").count() == 14  # one person's roles, not 84 selects

    card.get_by_role("button", name="Dee").tap()
    card.get_by_text("Marking Dee").wait_for()
    card.get_by_label("Dee: Conceptualization").select_option("lead")
    card.get_by_label("Dee: Writing – original draft").select_option("supporting")
    card.get_by_label("Dee agrees to be accountable for the work").tap()
    card.get_by_text("2 of 14 roles marked").wait_for()
    expected = {dee["id"]: {"roles": {"Conceptualization": "lead", "Writing – original draft": "supporting"},
                            "approved": False, "accountable": True}}
    assert wait_until(lambda: saved_value(prepared, marker, "authorship", "authorship.credit-matrix") == expected)
    assert "Dee (Service-user educator): Conceptualization (lead)" in card.inner_text()

    card.get_by_role("button", name="Arjun").tap()  # another person: their own, empty marks
    card.get_by_text("Marking Arjun").wait_for()
    assert card.get_by_label("Arjun: Conceptualization").input_value() == "no part"
    assert not card.get_by_label("Arjun agrees to be accountable for the work").is_checked()
    card.get_by_role("button", name="Dee").tap()
    card.get_by_text("Marking Dee").wait_for()
    assert card.get_by_label("Dee: Conceptualization").input_value() == "lead"
    in_both_schemes(phone)
