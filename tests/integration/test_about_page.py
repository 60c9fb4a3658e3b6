"""The start page's "About this kit" page, from a real workshop Voilà server over HTTP."""

import html
import urllib.request

import pytest

pytestmark = pytest.mark.server


def fetch(url):
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status, html.unescape(response.read().decode("utf-8"))


def test_the_start_page_links_to_about_this_kit(voila_server):
    status, page = fetch(voila_server)
    assert status == 200 and 'href="/about">About this kit</a>' in page


def test_about_this_kit_shows_the_statement_how_to_adapt_and_every_credit(voila_server):
    status, page = fetch(voila_server + "about")
    assert status == 200 and "<h1>About this kit</h1>" in page
    assert "drafted by the kit's development team" in page and "awaits that review" in page
    for label in ("Who drafts", "Who edits", "Who has the last word", "How people are paid", "How people are credited"):
        assert f"<dt>{label}</dt>" in page
    assert "<td>curriculum/modules/payment.yaml</td>" in page
    assert "<td>facilitator_guides/for-service-user-educators.md</td>" in page
    assert "The kit's development team (Conceptualization, Methodology, Software, Writing – original draft)" in page
