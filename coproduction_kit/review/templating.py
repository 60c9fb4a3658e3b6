"""The review's HTML pages (the report, the journal) drawn from Jinja2 templates in ``templates/``.

Autoescape is on: everything a participant typed is escaped wherever a template shows it; only
the charts (``core.charts``, which escape their own labels) go in as markup.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from coproduction_kit.core.charts import bar_chart, change_chart, tally_bars
from coproduction_kit.core.kinds import KINDS


def short(prompt: str, limit: int = 90) -> str:
    """A prompt's first sentence (cut at a word) for a heading; the full prompt follows it."""
    first = re.split(r"(?<=[?.!])\s", prompt.strip(), maxsplit=1)[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + " …"


def number(value) -> str:
    """A number as short as it reads (28, 27.5), or nothing when there is none."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:g}"


def lines(text: str) -> Markup:
    """Text with its line breaks kept, as ``<br>``."""
    return escape(text).replace("\n", Markup("<br>"))


def chart(summary) -> Markup:
    """A summary's bar chart (``report.PromptSummary``: a scale, choice or checklist), with its numbers."""
    kind = KINDS[summary.kind]
    drawn = tally_bars(list(summary.counts), summary.ends, numbered=kind.numbered)
    return Markup(bar_chart(drawn, total=summary.responses, unit=kind.unit))


def changes_chart(changes, caption: str = "") -> Markup:
    """The paired changes of one comparison (``evaluation.PairedChange``, those not withheld) as a chart;
    each labelled by what it measures, its statement in full in the text alternative and the table."""
    rows = [(c.objective, c.mean_change, c.ci_low, c.ci_high, c.statement) for c in changes if not c.withheld]
    return Markup(change_chart(rows, caption))


def make_environment(folder: Path, **filters) -> jinja2.Environment:
    """The kit's way of drawing a page: autoescape on, a missing value an error, tidy whitespace."""
    made = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    made.filters.update(filters)
    return made


environment = make_environment(Path(__file__).parent / "templates", short=short, number=number, lines=lines)
environment.globals.update(chart=chart, changes_chart=changes_chart)


def render(template: str, **values) -> str:
    return environment.get_template(template).render(**values)
