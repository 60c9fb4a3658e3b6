"""``workshop plan``: the session plan a facilitator prints, generated from the curriculum data.

One self-contained HTML page (no network, print-friendly): for every session of every format,
its timetable, the modules' objectives with their CanMEDS roles (cited to the CanMEDS 2015
framework), the questions they answer, who made each module, their exercises (core first, then
optional ones to leave out when time runs short; in the half-day, only those it keeps), the guide's
advice on what to cut, and the preparation section of each module's facilitator guide; at the end,
"About this kit": the contributor statement and how a programme adapts the kit with its
service-user educators (``curriculum/contributors.yaml``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import mistune

from coproduction_kit.authoring.contributors import about_section, credit_line, load_contributors
from coproduction_kit.core.curriculum import Curriculum, session_rows
from coproduction_kit.authoring.timing import exercise_times, label, load_timing, summary

_markdown = mistune.create_markdown(escape=True)  # guides are ours, but escape all the same

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       max-width: 50rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
h1 { font-size: 1.7rem; } h2 { font-size: 1.35rem; margin-top: 2.5rem; border-top: 2px solid #1f5f8b;
padding-top: 0.75rem; } h3 { font-size: 1.1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #777; padding: 0.3rem 0.6rem; text-align: left; }
td.num { text-align: right; }
.planned { color: #4a4a4a; font-style: italic; }
@media print { h2 { break-before: page; } a { color: inherit; } }
"""


CUT_HEADING = "When time runs short"


def guide_section(root: Path, module_id: str, heading: str) -> str | None:
    """The Markdown under ``## heading`` in a module's facilitator guide, if it has one."""
    path = root / "facilitator_guides" / f"{module_id}.md"
    if not path.exists():
        return None
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", path.read_text("utf-8"), re.M | re.S)
    return match.group(1).strip() if match else None


def _timetable(rows, session_minutes: int) -> str:
    body, start = [], 0
    for segment, minutes in rows:
        if minutes is None:
            body.append(f"<tr><td>{html.escape(segment)}</td><td class='num'>–</td><td></td></tr>")
            continue
        body.append(
            f"<tr><td>{html.escape(segment)}</td><td class='num'>{minutes}</td>"
            f"<td>{start // 60}:{start % 60:02d}–{(start + minutes) // 60}:{(start + minutes) % 60:02d}</td></tr>"
        )
        start += minutes
    return (
        "<table><caption class='visually-hidden'>Timetable</caption>"
        "<thead><tr><th scope='col'>Segment</th><th scope='col'>Minutes</th><th scope='col'>Clock</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody><tfoot><tr><th scope='row'>Total</th><td class='num'>{start}</td>"
        f"<td>of {session_minutes} minutes</td></tr></tfoot></table>"
    )


def _exercises(curriculum: Curriculum, module_id: str, short: bool) -> str:
    """The module's exercises, core then optional, with estimated minutes (only the half-day's when short)."""
    table = load_timing(curriculum)
    if table is None:
        return ""
    times = exercise_times(curriculum, module_id, table)
    shown = [t for t in times if t.half_day] if short else times

    def items(chosen):
        return "".join(
            f"<li>{html.escape(label(t.prompt))} <small>(about {t.minutes:.0f} min"
            f"{', discussed in the room' if t.discuss else ''})</small></li>" for t in chosen)

    core = [t for t in shown if t.core]
    optional = [t for t in shown if not t.core]
    parts = [f"<p><strong>{'Exercises the half-day keeps' if short else 'Core exercises'}.</strong></p>"
             f"<ol>{items(core)}</ol>"]
    if optional:
        parts.append(f"<p><strong>Optional exercises</strong> (leave out first when time runs short).</p>"
                     f"<ol>{items(optional)}</ol>")
    sentences = summary(curriculum.module(module_id), times)
    parts.append(f"<p>{html.escape(sentences[-1] if short else ' '.join(sentences[:2]))}</p>")
    return "".join(parts)


CANMEDS_NOTE = ("<p class='canmeds-source'>CanMEDS roles are those of the CanMEDS 2015 Physician Competency "
                "Framework (Frank, Snell and Sherbino, 2015; Royal College of Physicians and Surgeons of "
                "Canada).</p>")


def _module_section(root: Path, curriculum: Curriculum, module_id: str, credits: dict | None = None,
                    short: bool = False) -> str:
    if module_id not in curriculum.modules:
        return (f"<h3>{html.escape(curriculum.title(module_id))}</h3>"
                "<p class='planned'>This module is planned and not written yet.</p>")
    module = curriculum.module(module_id)
    objectives = "".join(
        f"<li>{html.escape(o['text'])} <small>(CanMEDS: {html.escape(', '.join(o['canmeds']))})</small></li>"
        for o in module["objectives"]
    )
    questions = "".join(f"<li>{html.escape(q)}</li>" for q in module["questions"])
    parts = [
        f"<h3>{html.escape(module['title'])}</h3>",
        f"<p>{html.escape(module['summary'])}</p>",
        f"<p><strong>Objectives.</strong> Afterwards, participants can:</p><ul>{objectives}</ul>",
        f"<p><strong>Questions it answers.</strong></p><ul>{questions}</ul>",
        credit_line(credits, f"curriculum/modules/{module_id}.yaml"),
    ]
    parts.append(_exercises(curriculum, module_id, short))
    cut = guide_section(root, module_id, CUT_HEADING)
    if cut:
        parts.append(f"<p><strong>{CUT_HEADING}</strong> (from the facilitator guide)</p>{_markdown(cut)}")
    preparation = guide_section(root, module_id, "Preparation")
    if preparation:
        parts.append(f"<p><strong>Preparation</strong> (from the facilitator guide)</p>{_markdown(preparation)}")
    return "\n".join(parts)


def session_plan(root: Path, curriculum: Curriculum) -> str:
    """The whole plan as one HTML page."""
    sections = []
    credits = load_contributors(curriculum.folder)
    for fmt in curriculum.series["formats"]:
        sections.append(f"<h2>{html.escape(fmt['title'])}</h2>")
        for session in fmt["sessions"]:
            titles = ", ".join(curriculum.title(m) for m in session["modules"])
            sections.append(f"<h3>Session {session['number']}: {html.escape(titles)}</h3>")
            sections.append(_timetable(session_rows(curriculum, session), fmt["session_minutes"]))
            sections.extend(_module_section(root, curriculum, m, credits, session.get("short", False))
                            for m in session["modules"])
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Session plan: {html.escape(curriculum.series['title'])}</title>"
        f"<style>{STYLE} .visually-hidden {{ position: absolute; left: -9999px; }}</style></head><body><main>"
        f"<h1>Session plan: {html.escape(curriculum.series['title'])}</h1>"
        "<p>Every session: a check-in, the module, a break and a debrief that asks how the session went "
        "and where power showed up in the room. Generated from the curriculum data by "
        "<code>workshop plan</code>.</p>"
        + CANMEDS_NOTE
        + "\n".join(sections)
        + about_section(credits)
        + "</main></body></html>"
    )
