"""Reviewers read an answer exactly as it was typed: formgrader's page in Chromium, as a person sees it.

The page is rendered by nbconvert with nbgrader's own template (tests/unit/test_answer_text.py).
"""

import pytest

from tests.unit.test_answer_text import TYPED, _render

pytestmark = pytest.mark.browser


def test_formgrader_shows_each_answer_as_typed_in_a_browser(chromium):
    """What a reviewer sees: the rendered text, line breaks and spaces kept, right-to-left laid out so."""
    context = chromium.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())  # nothing is fetched: the page stands alone
    try:
        for name, typed in TYPED.items():
            page.set_content(_render(typed, "formgrade"))
            answer = page.locator(".workshop-answer")
            assert answer.inner_text() == typed, name
            assert page.locator(".workshop-answer script, .workshop-answer a, .workshop-answer b").count() == 0
            if name == "right-to-left":
                assert answer.evaluate("el => getComputedStyle(el).direction") == "rtl"
    finally:
        context.close()
