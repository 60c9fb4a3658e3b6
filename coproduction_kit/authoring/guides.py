"""Timing tables in the facilitator guides, generated from the curriculum data.

A guide marks where its table goes with ``<!-- timing table: ... -->``; ``workshop guides``
writes the table from ``curriculum/`` between that line and ``<!-- end of timing table -->``,
and ``workshop check`` reports a guide whose table no longer matches the data.  Minutes are
typed once, in the YAML.
"""

from __future__ import annotations

import re
from pathlib import Path

from coproduction_kit.core.curriculum import Curriculum, session_rows
from coproduction_kit.authoring.timing import exercise_table

START = re.compile(r"^<!-- timing table:.*-->$", re.MULTILINE)
END = "<!-- end of timing table -->"


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def timetable(rows: list[tuple[str, int]], session_minutes: int) -> str:
    lines = ["| Segment | Minutes | Clock |", "| --- | ---: | --- |"]
    start = 0
    for segment, minutes in rows:
        if minutes is None:
            lines.append(f"| {segment} | – | |")
            continue
        lines.append(f"| {segment} | {minutes} | {_clock(start)}–{_clock(start + minutes)} |")
        start += minutes
    lines.append(f"| **Total** | **{start}** | of {session_minutes} minutes; the rest is slack |")
    return "\n".join(lines)


def timing_table(curriculum: Curriculum, module_id: str) -> str:
    """The guide's timing section body for one module: every format that teaches it, then its exercises."""
    parts = []
    for fmt in curriculum.series["formats"]:
        for session in fmt["sessions"]:
            if module_id in session["modules"]:
                parts.append(f"**{fmt['title']}, session {session['number']}**\n")
                parts.append(timetable(session_rows(curriculum, session), fmt["session_minutes"]) + "\n")
    parts.append(exercise_table(curriculum, module_id))
    return "\n".join(parts).rstrip() + "\n"


def render_block(text: str, curriculum: Curriculum, module_id: str) -> str | None:
    """The guide's text with its timing table regenerated; None if it has no marker."""
    start = START.search(text)
    if not start:
        return None
    end = text.find(END, start.end())
    tail = text[end + len(END):] if end != -1 else text[start.end():]
    marker = (f"<!-- timing table: generated from curriculum/modules/{module_id}.yaml "
              "by `workshop guides`; edit the YAML, not this table -->")
    return f"{text[:start.start()]}{marker}\n{timing_table(curriculum, module_id)}{END}{tail}"


def timing_block_problem(text: str, curriculum: Curriculum, module_id: str) -> str | None:
    rendered = render_block(text, curriculum, module_id)
    if rendered is None:
        return "has no '<!-- timing table: ... -->' line where its timing table belongs"
    if rendered != text:
        return "its timing table does not match the curriculum data; run `workshop guides`"
    return None


def write_guides(root: Path, curriculum: Curriculum) -> list[Path]:
    """Rewrite the timing table of every module guide; returns the guides that changed."""
    changed = []
    for module_id in curriculum.modules:
        path = root / "facilitator_guides" / f"{module_id}.md"
        if not path.exists():
            continue
        text = path.read_text("utf-8")
        rendered = render_block(text, curriculum, module_id)
        if rendered is not None and rendered != text:
            path.write_text(rendered, "utf-8")
            changed.append(path)
    return changed
