"""The evaluation's change: each statement's ratings paired before and after, with a confidence interval.

The statements (``curriculum/evaluation.yaml``) are asked at the baseline, the end and the
follow-up; each answer is anonymous and may carry the hash of the participant's pairing code
(``core/pairing.py``).  Two answers with the same key in two phases are one person's pair.  A key
found more than once in a phase (a code typed by two people, or sent twice) pairs nothing: an
answer is never replaced by another's, and the ambiguous ones count as reactions only.

For each statement and comparison (start → end, start → follow-up) the report shows the number
of pairs, the mean before and after, the mean paired change with a t-based 95% confidence
interval (scipy), and Cohen's d_z (the mean change divided by the standard deviation of the
changes) — only once at least k people make pairs, as the rest of the anonymous evaluation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from coproduction_kit.core.curriculum import FOLLOW_UP_EXERCISE, MATCHED, Curriculum, evaluation_items

PHASE_NAMES = {"baseline": "start", "end": "end", "follow-up": "follow-up"}
COMPARISONS = (("baseline", "end"), ("baseline", "follow-up"))
CHANGE_COLUMNS = ["comparison", "item_id", "statement", "objective", "pairs", "mean_before", "mean_after",
                  "mean_change", "ci_low", "ci_high", "cohens_dz", "note"]
EFFECT_SIZE = ("Effect size: Cohen's d_z, the mean change divided by the standard deviation of the "
               "changes (paired answers only).")


@dataclass(frozen=True)
class PairedChange:
    """A statement's change between two phases; the figures are None while ``withheld`` (under k pairs)."""

    comparison: str
    item_id: str
    statement: str
    objective: str
    pairs: int
    mean_before: float | None = None
    mean_after: float | None = None
    mean_change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    cohens_dz: float | None = None
    note: str = ""

    @property
    def withheld(self) -> bool:
        return self.mean_change is None

    def row(self) -> dict:
        return {column: getattr(self, column) for column in CHANGE_COLUMNS}


def paired_statistics(before: list[float], after: list[float], confidence: float = 0.95) -> dict:
    """Mean before and after, mean change (after − before) with its t-based confidence interval, and d_z.

    The interval is mean ± t(n−1) × SD/√n, SD the sample standard deviation of the changes; d_z
    is mean / SD (None when every change is the same, and the interval is then the mean itself).
    """
    from scipy import stats  # only the report pays for importing it

    if len(before) != len(after) or len(before) < 2:
        raise ValueError("paired statistics need at least two pairs, before and after alike")
    changes = [b - a for a, b in zip(before, after)]
    n = len(changes)
    mean = sum(changes) / n
    sd = math.sqrt(sum((c - mean) ** 2 for c in changes) / (n - 1))
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n)
    return {"mean_before": sum(before) / n, "mean_after": sum(after) / n, "mean_change": mean,
            "ci_low": mean - half, "ci_high": mean + half, "cohens_dz": mean / sd if sd else None}


def pairs_by_key(first: list[tuple[str | None, object]], second: list[tuple[str | None, object]]) -> list[tuple]:
    """``(value_first, value_second)`` for each key found exactly once in each phase."""
    def once(answers):
        seen: dict[str, list] = {}
        for key, value in answers:
            if key:
                seen.setdefault(key, []).append(value)
        return {key: values[0] for key, values in seen.items() if len(values) == 1}

    a, b = once(first), once(second)
    return [(a[key], b[key]) for key in sorted(a.keys() & b.keys())]


def by_phase(curriculum: Curriculum, answers: dict[str, list]) -> dict[str, list]:
    """The anonymous answers (``Store.paired_answers``) of each phase's matched exercises together."""
    phases: dict[str, list] = {}
    exercises = [e for module in curriculum.modules.values() for e in module["exercises"] if e["kind"] == MATCHED]
    if curriculum.evaluation is not None:
        exercises.append(curriculum.exercise(FOLLOW_UP_EXERCISE))
    for entry in exercises:
        phases.setdefault(entry["phase"], []).extend(answers.get(entry["id"], []))
    return phases


def evaluation_changes(curriculum: Curriculum, answers: dict[str, list], k: int) -> list[PairedChange]:
    """Per comparison and statement, the paired change (``PairedChange``), withheld under ``k`` pairs."""
    if curriculum.evaluation is None:
        return []
    phases = by_phase(curriculum, answers)
    changes = []
    for first, second in COMPARISONS:
        pairs = pairs_by_key(phases.get(first, []), phases.get(second, []))
        comparison = f"{PHASE_NAMES[first]} → {PHASE_NAMES[second]}"
        for item in evaluation_items(curriculum.evaluation):
            rated = [(a[item["id"]], b[item["id"]]) for a, b in pairs
                     if _rating(a, item["id"]) is not None and _rating(b, item["id"]) is not None]
            made = PairedChange(comparison, item["id"], item["text"], item["objective"], len(rated))
            if len(rated) < max(k, 2):
                changes.append(PairedChange(**{**made.__dict__, "note": f"fewer than {max(k, 2)} pairs"}))
                continue
            figures = paired_statistics([float(a) for a, _ in rated], [float(b) for _, b in rated])
            changes.append(PairedChange(**{**made.__dict__, **{k_: _round(v) for k_, v in figures.items()}}))
    return changes


def change_frame(changes: list[PairedChange]) -> pd.DataFrame:
    """The changes as the table of ``evaluation-change.csv`` and the spreadsheet's "Change" sheet."""
    return pd.DataFrame([c.row() for c in changes], columns=CHANGE_COLUMNS)


def _rating(value, item_id: str):
    rating = value.get(item_id) if isinstance(value, dict) else None
    return rating if isinstance(rating, (int, float)) and not isinstance(rating, bool) else None


def _round(value):
    return None if value is None else round(float(value), 2)
