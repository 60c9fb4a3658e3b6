"""Reviewers read an answer exactly as it was typed: in formgrader and in the feedback page.

Both pages are rendered by nbconvert with nbgrader's own templates (``formgrade`` and
``feedback``); the text is read back from the HTML here, and from the page in Chromium as a person
sees it in tests/browser/test_answer_text_in_chromium.py.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from coproduction_kit.nbgrader.exchange import escape_markdown

TYPED = {
    "apostrophes": "I don't think it's fair: we'd say \u2018no\u2019.",
    "quotes": 'She said "nothing about us without us" and \u201cmeant it\u201d.',
    "math": "A fee of $150 and $200, or $x^2$ and $$\\frac{a}{b}$$ in LaTeX.",
    "backslashes": "C:\\Users\\ana and \\alpha and a lone \\",
    "emoji": "Felt heard \U0001F60A\U0001F44D\U0001F3FD, then not \U0001F614.",
    "right-to-left": "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd and \u0645\u0631\u062d\u0628\u0627",
    "layout": "  two leading spaces\n\nafter a blank line\n# not a heading\n- not a list\n> not a quote",
    "markup": "<script>alert('x')</script> [link](javascript:alert(1)) **bold** & &amp; <b>b</b>",
}


def _notebook(text: str):
    cell = nbformat.v4.new_markdown_cell(escape_markdown(text))
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False, "points": 0,
                                 "grade_id": "payment__personal-experience", "schema_version": 3,
                                 # what nbgrader's GetGrades adds before the feedback page is drawn
                                 "score": 0, "comment": "Thank you: this is what we hoped for."}
    return nbformat.v4.new_notebook(cells=[cell])


def _render(text: str, template: str) -> str:
    from nbconvert import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers

    # As nbgrader's GenerateFeedback configures it: the feedback page inlines Bootstrap's CSS.
    bootstrap = Path(handlers.__file__).parent / "static" / "node_modules" / "bootstrap" / "dist" / "css"
    exporter = HTMLExporter(template_name=template, extra_template_basedirs=[handlers.template_path],
                            extra_template_paths=[str(bootstrap)])
    body, _ = exporter.from_notebook_node(_notebook(text), resources={
        "assignment_id": "payment", "notebook_id": "payment", "submission_id": "x", "index": 0,
        "total": 1, "base_url": "", "student": "r2345678", "last_name": None, "first_name": None,
        "notebook_path": "autograded/r2345678/payment/payment.ipynb",
        "nbgrader": {"notebook": "payment", "score": 0, "max_score": 0, "late_penalty": 0},
    })
    return body


class _AnswerText(HTMLParser):
    """The text inside the page's ``workshop-answer`` element, and the element's attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.parts, self.attrs = 0, [], None

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
            self.parts.append(f"<{tag}>")  # any element inside would be markup that got through
        elif "workshop-answer" in (dict(attrs).get("class") or "").split():
            self.depth, self.attrs = 1, dict(attrs)

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def _answer_in(page: str) -> tuple[str, dict]:
    parser = _AnswerText()
    parser.feed(page)
    assert parser.attrs is not None, "no answer element on the page"
    return "".join(parser.parts), parser.attrs


@pytest.mark.parametrize("template", ["formgrade", "feedback"])
@pytest.mark.parametrize("name", list(TYPED))
def test_reviewers_read_the_answer_exactly_as_typed(template, name):
    text, attrs = _answer_in(_render(TYPED[name], template))
    assert text == TYPED[name]
    assert attrs["dir"] == "auto"  # right-to-left text is laid out by its own first letter
    assert {"tex2jax_ignore", "mathjax_ignore"} <= set(attrs["class"].split())  # no typesetting


def test_the_cell_is_one_line_so_markdown_never_reads_inside_it():
    escaped = escape_markdown(TYPED["layout"] + "\r\nand a Windows line end\rand an old Mac one")
    assert "\n" not in escaped and "\r" not in escaped
    assert "<script" not in escape_markdown(TYPED["markup"])
