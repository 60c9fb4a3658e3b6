"""The report as one self-contained HTML page, for reviewing facilitators.

No network (inline SVG charts with their numbers in tables), phone- and print-friendly, and
everything a participant typed escaped.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from coproduction_kit.core.curriculum import Curriculum
from coproduction_kit.review.export import new_private_file
from coproduction_kit.review.report import CHART_KINDS, EVALUATION, WITHHELD, evaluation
from coproduction_kit.store import ROOM

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       background: #fff; max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.5;
       overflow-wrap: break-word; }
h1 { font-size: 1.7rem; } h2 { font-size: 1.4rem; margin-top: 2.5rem; border-top: 2px solid #1f5f8b;
padding-top: .75rem; } h3 { font-size: 1.15rem; margin-top: 2rem; } h4 { font-size: 1rem; margin-top: 1.5rem; }
a { color: #1f5f8b; } .scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
table.summary { min-width: 46rem; }  /* a phone scrolls it sideways rather than crushing it */
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #777; padding: .3rem .5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } .lines { white-space: pre-line; }
svg.chart { width: 100%; max-width: 42rem; height: auto; }
svg.chart rect { fill: #1f5f8b; } svg.chart text { font: 15px system-ui, sans-serif; fill: #1b1b1b; }
ol.answers { list-style: none; padding: 0; }
ol.answers li { border-left: 4px solid #1f5f8b; padding: .25rem .75rem; margin: .75rem 0; }
ol.answers p { margin: .2rem 0; } .answer { white-space: pre-wrap; } .meta { color: #4a4a4a; }
@media print { body { max-width: none; } h2 { break-before: page; } figure, tr, li { break-inside: avoid; }
  svg.chart rect { print-color-adjust: exact; -webkit-print-color-adjust: exact; } .scroll { overflow: visible; } }
"""
_e = html.escape


def _short(prompt: str, limit: int = 90) -> str:
    """A prompt's first sentence (cut at a word) for a heading; the full prompt follows it."""
    first = re.split(r"(?<=[?.!])\s", prompt.strip(), maxsplit=1)[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + " …"


def _full_prompt(prompt: str) -> str:
    return "" if _short(prompt) == prompt else f"<p>{_e(prompt)}</p>"


def _bars(row, curriculum: Curriculum | None) -> list[tuple[str, str, int]]:
    """(chart label, full label, count) for each line of a scale, choice or checklist distribution."""
    if not row.distribution or row.distribution.startswith(WITHHELD):
        return []
    lines = row.distribution.split("; " if row.kind == "scale" else "\n")
    bars = [(label, int(n)) for label, n in (line.rsplit(": ", 1) for line in lines)]
    if row.kind != "scale":
        return [(f"Option {i}", f"Option {i}: {label}", n) for i, (label, n) in enumerate(bars, start=1)]
    spec = {}
    if curriculum is not None and row.module in curriculum.modules:
        spec = next((e.get("scale", {}) for e in curriculum.modules[row.module]["exercises"] if e["id"] == row.exercise_id), {})
    ends = {str(spec.get("min")): spec.get("min_label"), str(spec.get("max")): spec.get("max_label")}
    return [(label, f"{label} ({ends[label]})" if ends.get(label) else label, n) for label, n in bars]


def _chart(row, curriculum: Curriculum | None) -> str:
    """A horizontal bar chart (inline SVG, numbers written beside the bars) and the same numbers as a table."""
    bars = _bars(row, curriculum)
    top, height, label_width, bar_width = max([n for *_, n in bars] + [1]), 30, 110, 380
    shapes = []
    for i, (label, _, n) in enumerate(bars):
        y, width = i * height, round(bar_width * n / top, 1)
        shapes.append(
            f'<text x="{label_width - 8}" y="{y + 20}" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{label_width}" y="{y + 6}" width="{width}" height="{height - 12}"></rect>'
            f'<text x="{label_width + width + 6}" y="{y + 20}">{n}</text>'
        )
    what = "ratings" if row.kind == "scale" else "people" if row.kind == "checklist" else "answers"
    described = f"Bar chart of {row.responses} {what}: " + "; ".join(f"{label}: {n}" for label, _, n in bars)
    body = "".join(
        f"<tr><th scope='row'>{_e(full)}</th><td class='num'>{n}</td>"
        f"<td class='num'>{round(100 * n / row.responses) if row.responses else 0}%</td></tr>"
        for _, full, n in bars
    )
    return (
        f'<figure><svg class="chart" role="img" aria-label="{_e(described)}" '
        f'viewBox="0 0 {label_width + bar_width + 50} {max(len(bars), 1) * height}">{"".join(shapes)}</svg>'
        f"<div class='scroll'><table><caption>The numbers in the chart ({row.responses} {what})</caption>"
        f"<thead><tr><th scope='col'>Answer</th><th scope='col'>Count</th><th scope='col'>Of {what}</th></tr></thead>"
        f"<tbody>{body}</tbody></table></div></figure>"
    )


def _prompt_link(row) -> str:
    """The prompt, linked to its shared answers when there are some."""
    if not row.responses:
        return _e(_short(row.prompt))
    return f"<a href='#answers-{_e(row.exercise_id)}'>{_e(_short(row.prompt))}</a>"


def _summary_table(rows: pd.DataFrame, caption: str) -> str:
    body = "".join(
        f"<tr><th scope='row'>{_prompt_link(r)}</th>"
        f"<td>{_e(r.kind)}</td><td class='num'>{r.responses}</td><td class='num'>{r.passes}</td>"
        f"<td class='num'>{'' if pd.isna(r.median_length) else f'{r.median_length:g}'}</td>"
        f"<td class='lines'>{_e(r.distribution)}</td><td>{_e(r.frequent_words)}</td></tr>"
        for r in rows.itertuples()
    )
    return (
        f"<div class='scroll' role='region' tabindex='0' aria-label='{_e(caption)}'><table class='summary'>"
        f"<caption>{_e(caption)}</caption><thead><tr><th scope='col'>Prompt</th><th scope='col'>Kind</th>"
        "<th scope='col'>Shared answers</th><th scope='col'>Passes</th><th scope='col'>Median length "
        "(characters)</th><th scope='col'>Counts</th><th scope='col'>Frequent words (answers using each)</th>"
        f"</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _charts(rows: pd.DataFrame, curriculum: Curriculum | None) -> str:
    return "".join(
        f"<h3>{_e(_short(r.prompt))}</h3>{_full_prompt(r.prompt)}{_chart(r, curriculum)}"
        for r in rows.itertuples() if r.kind in CHART_KINDS and _bars(r, curriculum)
    )


def write_html(
    frame: pd.DataFrame, summary: pd.DataFrame, path: str | Path, title: str,
    curriculum: Curriculum | None = None, anonymous: dict[str, list[str]] | None = None,
) -> Path:
    """One self-contained page (no network, phone- and print-friendly) for reviewing facilitators.

    Per module a summary table and, for ratings, choices and checklists, a bar chart with its
    numbers in a table; then the workshop evaluation; then every shared answer by prompt, with
    its pseudonym.  Everything participants typed is escaped.  ``curriculum`` adds module titles
    and the words at each end of a scale.  ``anonymous`` holds the evaluation's free-text answers,
    linked to no one, in random order (only where enough people answered: ``report.anonymous_texts``).
    """
    def module_title(module_id: str) -> str:
        return curriculum.title(module_id) if curriculum and module_id in curriculum.modules else module_id

    is_evaluation = summary["exercise_id"].str.contains(EVALUATION, regex=False)
    modules = list(dict.fromkeys(summary["module"]))
    sections, contents = [], []
    for module_id in modules:
        rows = summary[summary["module"] == module_id]
        contents.append(f"<li><a href='#module-{_e(module_id)}'>{_e(module_title(module_id))}</a></li>")
        sections.append(
            f"<h2 id='module-{_e(module_id)}'>{_e(module_title(module_id))}</h2>"
            + _summary_table(rows, f"Every prompt in {module_title(module_id)}")
            + _charts(rows[~is_evaluation[rows.index]], curriculum)
        )
    evaluation_rows = evaluation(summary)
    unlinked = "".join(
        f"<h3>{_e(_short(r.prompt))} ({len(anonymous[r.exercise_id])})</h3>{_full_prompt(r.prompt)}<ul class='answers'>"
        + "".join(f"<li><p class='answer' dir='auto'>{_e(text)}</p></li>" for text in anonymous[r.exercise_id])
        + "</ul>"
        for r in evaluation_rows.itertuples() if r.exercise_id in (anonymous or {})
    )
    sections.append(
        "<h2 id='evaluation'>Workshop evaluation</h2>"
        + (_summary_table(evaluation_rows, "The evaluation prompts") + _charts(evaluation_rows, curriculum)
           if len(evaluation_rows) else "<p>This curriculum has no evaluation prompts.</p>")
        + ("<p>Answers sent anonymously are linked to no one; each prompt is summarised only once enough "
           "people answered, and written answers are listed in random order.</p>" + unlinked
           if len(evaluation_rows) else "")
    )
    by_prompt: dict[str, list] = {}
    for row in frame.itertuples():
        if row.answer:
            by_prompt.setdefault(row.exercise_id, []).append(row)
    answers = []
    for module_id in modules:
        prompts = summary[(summary["module"] == module_id) & summary["exercise_id"].isin(list(by_prompt))]
        if not len(prompts):
            continue
        answers.append(f"<h3>{_e(module_title(module_id))}</h3>")
        for r in prompts.itertuples():
            items = "".join(
                f"<li><p><strong>{_e(a.pseudonym)}</strong> <span class='meta'>· shared with "
                f"{'the room' if a.share_level == ROOM else 'facilitators'}</span></p>"
                f"<p class='answer' dir='auto'>{_e(a.answer)}</p></li>"
                for a in by_prompt[r.exercise_id]
            )
            answers.append(
                f"<h4 id='answers-{_e(r.exercise_id)}'>{_e(_short(r.prompt))} ({len(by_prompt[r.exercise_id])})</h4>"
                f"{_full_prompt(r.prompt)}<ol class='answers'>{items}</ol>"
            )
    contents += ["<li><a href='#evaluation'>Workshop evaluation</a></li>",
                 "<li><a href='#shared-reflections'>Shared reflections</a></li>"]
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body><main><h1>{_e(title)}</h1>"
        f"<p>{len(frame)} shared answer(s) from {frame['pseudonym'].nunique()} participant(s); made {made}. "
        "Pseudonyms are shown for follow-up and feedback: keep this file among the facilitators.</p>"
        f"<nav aria-label='Contents'><ul>{''.join(contents)}</ul></nav>{''.join(sections)}"
        "<h2 id='shared-reflections'>Shared reflections</h2>"
        + ("".join(answers) or "<p>No shared answers yet.</p>")
        + "</main></body></html>\n"
    )
    path = new_private_file(path)
    path.write_text(page, encoding="utf-8")
    return path


