"""Shared reflections as one tidy table, for the facilitators' review.

``load`` reads what participants submitted and chose to share (never private answers or
passes) from the store; ``write_csv`` writes it for a spreadsheet.  Pure functions over a
DataFrame, so reports and tests can build on them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from coproduction_kit.core.curriculum import Curriculum, CurriculumError
from coproduction_kit.store import Store
from coproduction_kit.core.private_files import create_private_file, private_file, private_folder
from coproduction_kit.core.spreadsheet import FORMULA_START, neutralise_formula  # noqa: F401 (tests import it from here)
from coproduction_kit.core.kinds import answer_text

COLUMNS = [
    "workshop", "pseudonym", "module", "exercise_id", "prompt", "share_level", "answer",
    "saved_at", "submitted_at",
]

def load(store: Store, workshop_id: str, curriculum: Curriculum, keep_values: bool = False) -> pd.DataFrame:
    """One row per submitted, shared answer, with its prompt from the curriculum.

    ``answer`` is the text a reviewer reads; with ``keep_values`` a ``value`` column also holds
    each answer as the widget kept it (a number, a list of options, …), for counting.
    """
    rows = store.submitted_rows(workshop_id)
    entries: dict[str, dict] = {}
    for row in rows:
        exercise_id = row["exercise_id"]
        if exercise_id not in entries:
            try:
                entries[exercise_id] = curriculum.exercise(exercise_id)
            except CurriculumError:  # an exercise since removed from the curriculum: keep its text
                entries[exercise_id] = {"kind": "reflection", "prompt": ""}
        entry = entries[exercise_id]
        row["value"] = row["answer"]
        row["prompt"] = entry["prompt"]
        row["answer"] = "" if row["answer"] is None else answer_text(row["answer"], entry)
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "value"])
    for column in ("saved_at", "submitted_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame if keep_values else frame[COLUMNS]


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the table as UTF-8 CSV (with a byte-order mark, so spreadsheets read accents)."""
    path = new_private_file(path)
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            # neutralise_formula, a column at a time: a leading quote where a text starts like a formula
            texts = safe[column].map(type) == str
            runs = texts & safe[column].where(texts, "").astype(str).str.startswith(FORMULA_START)
            if runs.any():
                safe[column] = safe[column].mask(runs, "'" + safe[column][runs].astype(str))
    safe.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%dT%H:%M:%SZ")
    return private_file(path)


def new_private_file(path: str | Path) -> Path:
    """``path``, its missing folders made private (0700) and the file itself readable only by us.

    An export holds participants' words: no other account on the machine may read it, even
    while it is being written.  A folder that already exists (``--out``) keeps its own mode.
    """
    path = Path(path)
    if not path.parent.exists():
        private_folder(path.parent)
    create_private_file(path)
    return path
