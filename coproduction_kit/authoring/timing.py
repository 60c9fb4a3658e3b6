"""Whether each module's exercises fit its time: core ones in a session, kept ones in the half-day.

An exercise's minutes come from ``curriculum/kinds.yaml`` (reading its words, the kind's own
minutes, the share choice and, when it says ``discuss: true``, the room's discussion).  A module's
core exercises must fit its ``minutes.exercises``; the exercises the half-day keeps must fit its
``minutes.short`` less ``minutes.short_teaching``.  Optional exercises are what a facilitator
leaves out when time runs short; ``workshop plan`` and the guides list them.
"""

from __future__ import annotations

from dataclasses import dataclass

from coproduction_kit.core.curriculum import SHARED_EXERCISES, Curriculum, in_half_day, is_core
from coproduction_kit.core.kinds import KINDS, MINUTES_FILE, Timing, timing


@dataclass(frozen=True)
class ExerciseTime:
    id: str
    prompt: str
    minutes: float
    core: bool
    half_day: bool
    discuss: bool


def exercise_times(curriculum: Curriculum, module_id: str, table: Timing) -> list[ExerciseTime]:
    """Every exercise of a module with its estimated minutes and marks, in the data's order.

    The check-in and debrief are left out: the session gives them minutes of their own.
    """
    return [
        ExerciseTime(e["id"], e["prompt"], table.of(e), is_core(e), in_half_day(e), bool(e.get("discuss")))
        for e in curriculum.exercises(module_id)
        if not (e.get("shared") and e.get("level") in SHARED_EXERCISES)
    ]


def half_day_budget(module: dict) -> int | None:
    """Minutes for exercises in the half-day, or None when the module has no half-day length."""
    minutes = module["minutes"]
    if "short" not in minutes:
        return None
    return minutes["short"] - minutes.get("short_teaching", 0)


def in_short_session(curriculum: Curriculum, module_id: str) -> bool:
    return any(module_id in session["modules"] and session.get("short", False)
               for fmt in curriculum.series["formats"] for session in fmt["sessions"])


def load_timing(curriculum: Curriculum) -> Timing | None:
    """The minutes table, or None where it is missing or incomplete (``workshop check`` says which)."""
    if not (curriculum.folder / MINUTES_FILE).exists():
        return None
    try:
        table = timing(curriculum.folder)
    except (KeyError, TypeError, ValueError):
        return None
    return table if set(KINDS) <= set(table.kinds) else None


def timing_problems(curriculum: Curriculum) -> list[tuple[str, str]]:
    """(file, message) for every module whose core, or half-day, exercises overrun their minutes."""
    table = load_timing(curriculum)
    if table is None:
        return []
    problems = []
    for module_id, module in curriculum.modules.items():
        where = str(curriculum.folder / "modules" / f"{module_id}.yaml")
        try:
            times = exercise_times(curriculum, module_id, table)
        except KeyError:  # an exercise of no known kind: the schema check names it
            continue
        core = sum(t.minutes for t in times if t.core)
        if core > module["minutes"]["exercises"]:
            problems.append((where, (
                f"module {module_id}: its core exercises take about {core:.0f} minutes, more than its "
                f"{module['minutes']['exercises']} minutes for exercises; mark some `core: false`")))
        if not in_short_session(curriculum, module_id):
            continue
        if "short_teaching" not in module["minutes"]:
            problems.append((where, f"module {module_id}: is in the half-day but its minutes have no "
                                    "short_teaching (the half-day's minutes of teaching)"))
            continue
        budget = half_day_budget(module)
        kept = sum(t.minutes for t in times if t.half_day)
        if kept > budget:
            problems.append((where, (
                f"module {module_id}: the exercises the half-day keeps take about {kept:.0f} minutes, more "
                f"than the {budget} left after teaching (minutes.short less short_teaching); "
                "mark some `half_day: false`")))
    return problems


def label(prompt: str, limit: int = 70) -> str:
    """A prompt's opening words, cut at a word, to name an exercise in a table."""
    text = " ".join(prompt.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def summary(module: dict, times: list[ExerciseTime]) -> list[str]:
    """Sentences a facilitator reads under the exercise table: what the core, optional and half-day take."""
    core = sum(t.minutes for t in times if t.core)
    optional = sum(t.minutes for t in times if not t.core)
    lines = [f"Core exercises: about {core:.0f} of the {module['minutes']['exercises']} minutes for exercises."]
    if optional:
        lines.append(f"Optional exercises: about {optional:.0f} minutes more; leave them out first "
                     "when time runs short (participants who finish early can still answer them).")
    budget = half_day_budget(module)
    if budget is not None:
        kept = sum(t.minutes for t in times if t.half_day)
        lines.append(f"Half-day: the kept exercises take about {kept:.0f} of its {budget} minutes for exercises.")
    return lines


def exercise_table(curriculum: Curriculum, module_id: str) -> str:
    """The module's exercises as a Markdown table: minutes, core or optional, kept in the half-day."""
    table = load_timing(curriculum)
    if table is None:
        return ""
    try:
        times = exercise_times(curriculum, module_id, table)
    except KeyError:  # an exercise of no known kind: the schema check names it
        return ""
    rows = ["| Exercise | Minutes | Core or optional | Half-day |", "| --- | ---: | --- | --- |"]
    for t in times:
        discussed = " (discussed in the room)" if t.discuss else ""
        rows.append(f"| {label(t.prompt).replace('|', '/')}{discussed} | {t.minutes:.0f} | "
                    f"{'core' if t.core else 'optional'} | {'kept' if t.half_day else 'left out'} |")
    sentences = " ".join(summary(curriculum.module(module_id), times))
    return ("**Exercises**, in the order of the data, with minutes estimated from `curriculum/kinds.yaml`\n\n"
            + "\n".join(rows) + "\n\n" + sentences + "\n")
