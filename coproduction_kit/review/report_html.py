"""The report as one self-contained HTML page, for reviewing facilitators.

Drawn by ``templates/report.html`` from ``report.report_page``'s structure: per module a summary
table and, for ratings, choices and checklists, a bar chart with its numbers in a table; then the
workshop evaluation; then every shared answer by prompt, with its pseudonym.  No network (the
style and the SVG charts are inline), phone- and print-friendly, and everything a participant
typed escaped.
"""

from __future__ import annotations

from pathlib import Path

from coproduction_kit.review.export import new_private_file
from coproduction_kit.review.templating import render


def render_html(page) -> str:
    """The page (a ``report.ReportPage``) as HTML."""
    return render("report.html", page=page)


def write_html(page, path: str | Path) -> Path:
    """Write the page (a ``report.ReportPage``) to ``path``, a new file only its owner can read."""
    html = render_html(page)
    path = new_private_file(path)
    path.write_text(html, encoding="utf-8")
    return path
