"""A real workshop Voilà server on a loopback port, spoken to over HTTP (no browser)."""

import html
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from coproduction_kit.core.settings import PROJECT_ROOT
from tests.helpers import Visitor, module_paths

pytestmark = pytest.mark.server
CELL_ERROR = "There was an error when executing cell"


def test_start_page_offers_a_labelled_pseudonym_field(voila_server):
    status, page = Visitor(voila_server).get("")
    assert status == 200
    assert '<label for="pseudonym">' in page and 'id="pseudonym"' in page
    assert '<html lang="en">' in page


def test_choosing_a_pseudonym_lists_the_modules_as_links(voila_server):
    visitor = Visitor(voila_server)
    status, page = visitor.post("", pseudonym="link-checker")
    assert status == 200 and "link-checker" in page
    assert visitor.cookie("workshop_participant")
    for path in module_paths():
        assert f'href="/{path}"' in page
    assert "Not started" in page


def test_a_bad_pseudonym_gets_a_clear_message_and_keeps_what_was_typed(voila_server):
    status, page = Visitor(voila_server).post("", pseudonym="../x")
    assert status == 400
    assert "is not allowed in a pseudonym" in page and 'role="alert"' in page
    assert 'value="../x"' in page


def test_markup_in_a_pseudonym_is_shown_escaped(voila_server):
    status, page = Visitor(voila_server).post("", pseudonym="<b>x</b>")
    assert status == 400 and "<b>x</b>" not in page and html.escape("<b>x</b>") in page


def test_a_taken_pseudonym_is_refused(voila_server):
    Visitor(voila_server).post("", pseudonym="taken-name")
    status, page = Visitor(voila_server).post("", pseudonym="Taken-Name")
    assert status == 400 and "already in use" in page


def test_posting_without_the_form_token_is_refused(voila_server):
    status, _ = Visitor(voila_server).post("", pseudonym="no-xsrf", _xsrf="forged")
    assert status == 403


def test_resume_link_continues_on_another_device_and_leaves_no_secret_in_the_address(voila_server):
    first = Visitor(voila_server)
    first.post("", pseudonym="two-devices")
    secret = first.cookie("workshop_participant")
    second = Visitor(voila_server)
    status, page = second.get(f"?resume={secret}")
    assert status == 200 and "Continue as two-devices" in page  # it asks first
    assert second.cookie("workshop_participant") is None
    status, page = second.post("resume", resume=secret)
    assert status == 200 and "You are taking part as <strong>two-devices</strong>" in page
    assert second.cookie("workshop_participant") == secret
    stranger = Visitor(voila_server)
    status, page = stranger.get("?resume=not-a-real-secret")
    assert status == 404 and "This personal link does not work" in page


@pytest.mark.parametrize("path", ["voila/tree", "voila/tree/", "voila/api/contents", "voila/api/contents/"])
def test_no_file_listing_is_served(voila_server, path):
    status, _ = Visitor(voila_server).get(path)
    assert status == 404


@pytest.fixture(scope="module")
def rendered(voila_server):
    """``rendered(module_id)``: (status, page) of the module's page, rendered once for this file's
    tests, for a participant named ``renderer-<module id>``."""
    pages = {}

    def render(module_id):
        if module_id not in pages:
            visitor = Visitor(voila_server)
            visitor.post("", pseudonym=f"renderer-{module_id}")
            pages[module_id] = visitor.get(f"voila/render/{module_id}.ipynb")
        return pages[module_id]

    return render


@pytest.mark.parametrize("path", module_paths())
def test_every_module_renders_without_traceback_source_or_outside_requests(rendered, path):
    status, page = rendered(path.split("/")[-1].removesuffix(".ipynb"))
    assert status == 200
    assert CELL_ERROR not in page and "Traceback" not in page
    assert "from coproduction_kit.widgets import" not in page and 'reflect("' not in page  # sources stripped
    assert page.count("application/vnd.jupyter.widget-view+json") >= 5
    # Resources the page would load (not links a reader may choose to follow).
    loaded = re.findall(r'\bsrc="(https?://[^"]+)"', page) + re.findall(
        r'<link\b[^>]*\bhref="(https?://[^"]+)"', page
    )
    assert loaded == []
    assert "cdn.jsdelivr.net" not in page
    # Issue #17: no parser-blocking script; the light front end (the default) is asked for after the
    # first paint, and Voilà's scripts and its styles' script not at all.
    assert not re.search(r'<script src="[^"]*/voila\.js"', page) and "voila-style.js" not in page
    assert re.search(r'id="workshop-light-front" data-src="[^"]*/static/light-front\.js', page)
    assert "workshop-scripts-after-paint" not in page


def test_with_front_voila_voila_s_scripts_come_after_the_first_paint(voila_front_server):
    """The fallback (``--front voila``): Voilà's scripts are not a parser-blocking tag either; the
    template's loader asks for them after the first paint."""
    visitor = Visitor(voila_front_server)
    visitor.post("", pseudonym="renderer-voila-front")
    status, page = visitor.get("voila/render/payment.ipynb")
    assert status == 200 and CELL_ERROR not in page
    assert not re.search(r'<script src="[^"]*/voila\.js"', page)
    assert 'id="workshop-scripts-after-paint" data-src="/voila/static/voila.js"' in page
    assert "light-front.js" not in page


@pytest.mark.parametrize("module_id", [path.split("/")[-1].removesuffix(".ipynb") for path in module_paths()
                                       if 'welcome(' in (PROJECT_ROOT / "modules" / path.split("/")[-1]).read_text()])
def test_a_module_s_opening_is_in_the_page_s_html_and_names_nobody(rendered, module_id, curriculum):
    """Issue #17: the title, summary and objectives are painted before any script runs on a phone."""
    status, page = rendered(module_id)
    assert status == 200
    module = curriculum.module(module_id)
    opening = page[page.index('<h1 class="workshop-title">'):]
    opening = opening[:opening.index("</div>")]
    assert opening.startswith(f'<h1 class="workshop-title">{html.escape(module["title"])}</h1>')
    assert html.escape(module["summary"]) in opening and html.escape(module["objectives"][0]["text"]) in opening
    assert "<script" not in opening and f"renderer-{module_id}" not in opening


def test_twenty_pages_opened_at_once_all_render(voila_server):
    path = module_paths()[0]

    def open_page(n):
        visitor = Visitor(voila_server)
        visitor.post("", pseudonym=f"at-once-{n}")
        return visitor.get(path)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(open_page, range(20)))
    statuses = [status for status, _ in results]
    assert statuses == [200] * 20
    assert all(CELL_ERROR not in page and "widget-view+json" in page for _, page in results)


def test_my_journal_holds_private_answers_escaped_and_only_for_me(voila_server, prepared):
    from coproduction_kit.store import Store

    visitor = Visitor(voila_server)
    visitor.post("", pseudonym="journal-keeper")
    store = Store(prepared.store_url)
    me = store.participant_by_pseudonym(prepared.workshop_id, "journal-keeper")
    store.save_answer(me, "payment", "payment.personal-experience", "<script>x</script> my private thought")
    store.save_answer(me, "payment", "payment.personal-participation", None, passed=True)

    status, markdown = visitor.get("journal.md")
    assert status == 200 and "my private thought" in markdown and "_Passed._" in markdown
    status, page = visitor.get("journal.html")
    assert status == 200 and "&lt;script&gt;x&lt;/script&gt; my private thought" in page
    assert "<script>x</script>" not in page

    stranger = Visitor(voila_server)
    assert stranger.get("journal.md")[0] == 404
    other = Visitor(voila_server)
    other.post("", pseudonym="someone-else")
    assert "my private thought" not in other.get("journal.md")[1]
