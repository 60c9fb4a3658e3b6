"""``workshop plan``: the session plan a facilitator prints, generated from the curriculum data.

One self-contained HTML page (``templates/plan.html``; no network, print-friendly): for every session
of every format, its timetable, the modules' objectives with their CanMEDS roles (cited to the CanMEDS 2015
framework), the questions they answer, who made each module, their exercises (core first, then
optional ones to leave out when time runs short; in the half-day, only those it keeps), the guide's
advice on what to cut, and the preparation section of each module's facilitator guide; at the end,
"About this kit": the contributor statement and how a programme adapts the kit with its
service-user educators (``curriculum/contributors.yaml``).
"""

from __future__ import annotations

import re
from pathlib import Path

import mistune
from markupsafe import Markup

from coproduction_kit.authoring import TEMPLATES
from coproduction_kit.authoring.contributors import ADAPTING, credits_of, load_contributors
from coproduction_kit.authoring.timing import exercise_times, label, load_timing, summary
from coproduction_kit.core.curriculum import Curriculum, session_rows
from coproduction_kit.review.templating import make_environment

_markdown = mistune.create_markdown(escape=True)  # guides are ours, but escape all the same
_templates = make_environment(TEMPLATES, clock=lambda m: f"{m // 60}:{m % 60:02d}")

CUT_HEADING = "When time runs short"


def guide_section(root: Path, module_id: str, heading: str) -> str | None:
    """The Markdown under ``## heading`` in a module's facilitator guide, if it has one."""
    path = root / "facilitator_guides" / f"{module_id}.md"
    if not path.exists():
        return None
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", path.read_text("utf-8"), re.M | re.S)
    return match.group(1).strip() if match else None


def _timetable(rows) -> tuple[list[dict], int]:
    """The session's segments with their clock times from the start, and the total minutes."""
    table, start = [], 0
    for segment, minutes in rows:
        table.append(dict(segment=segment, minutes=minutes, start=start, end=start + (minutes or 0)))
        start += minutes or 0
    return table, start


def _exercises(curriculum: Curriculum, module_id: str, short: bool) -> dict | None:
    """The module's exercises, core then optional, with estimated minutes (only the half-day's when short)."""
    table = load_timing(curriculum)
    if table is None:
        return None
    times = exercise_times(curriculum, module_id, table)
    shown = [dict(prompt=label(t.prompt), minutes=t.minutes, discuss=t.discuss, core=t.core)
             for t in times if t.half_day or not short]
    sentences = summary(curriculum.module(module_id), times)
    return dict(core=[t for t in shown if t["core"]], optional=[t for t in shown if not t["core"]],
                summary=sentences[-1] if short else " ".join(sentences[:2]))


def _module(root: Path, curriculum: Curriculum, module_id: str, credits: dict | None, short: bool) -> dict:
    if module_id not in curriculum.modules:
        return dict(planned=True, title=curriculum.title(module_id))
    module = curriculum.module(module_id)
    guide = [(heading, Markup(_markdown(text))) for heading in (CUT_HEADING, "Preparation")
             if (text := guide_section(root, module_id, heading))]
    made_by, review = credits_of(credits, f"curriculum/modules/{module_id}.yaml")
    return dict(planned=False, title=module["title"], summary=module["summary"],
                objectives=module["objectives"], questions=module["questions"], credits=made_by,
                review=review, exercises=_exercises(curriculum, module_id, short), guide=guide)


def session_plan(root: Path, curriculum: Curriculum) -> str:
    """The whole plan as one HTML page (``templates/plan.html``)."""
    credits = load_contributors(curriculum.folder)
    formats = []
    for fmt in curriculum.series["formats"]:
        sessions = []
        for session in fmt["sessions"]:
            short = session.get("short", False)
            timetable, total = _timetable(session_rows(curriculum, session))
            sessions.append(dict(
                number=session["number"], short=short, timetable=timetable, total=total,
                titles=", ".join(curriculum.title(m) for m in session["modules"]),
                modules=[_module(root, curriculum, m, credits, short) for m in session["modules"]]))
        formats.append(dict(title=fmt["title"], session_minutes=fmt["session_minutes"], sessions=sessions))
    return _templates.get_template("plan.html").render(
        title=curriculum.series["title"], formats=formats, about=credits, adapting=ADAPTING)
