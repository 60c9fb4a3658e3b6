"""The copies a facilitator made: exports and reports, found again when someone withdraws.

``workshop export`` and ``workshop report`` note each file or folder they write in the store
(``Store.remember_export``); older ones are found by name in the data folder's ``exports/``.
When a participant withdraws, each CSV export is rewritten without their rows and each report
is rebuilt from the store (which no longer holds them); one that cannot be rebuilt is removed.
The withdrawal page names every file, so facilitators know which copies they took elsewhere
must be deleted by hand.  ``workshop forget`` removes them all.
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from coproduction_kit.core.private_files import make_private, private_file
from coproduction_kit.core.spreadsheet import neutralise_formula
from coproduction_kit.store import Store

EXPORT, REPORT = "export", "report"


@dataclass
class CopiesDone:
    """What happened to the facilitators' exports and reports."""

    rebuilt: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def kit_copies(store: Store, workshop_id: str, exports_dir: Path) -> list[tuple[Path, str]]:
    """Every export and report of this workshop that still exists: remembered, or in ``exports/``."""
    found = {path: kind for path, kind in store.exports_of(workshop_id)}
    exports_dir = Path(exports_dir)
    if exports_dir.is_dir():
        # The names `workshop export` and `report` give: the id, then a stamp (never another id).
        stamp = r"-\d{8}-\d{4}"
        named = {EXPORT: re.compile(f"shared-reflections-{re.escape(workshop_id)}{stamp}\\.csv"),
                 REPORT: re.compile(f"report-{re.escape(workshop_id)}{stamp}")}
        for path in exports_dir.iterdir():
            for kind, pattern in named.items():
                if pattern.fullmatch(path.name) and path.is_dir() == (kind == REPORT):
                    found.setdefault(path.resolve(), kind)
    return [(path, kind) for path, kind in found.items() if path.exists()]


def _csv_without(path: Path, pseudonym: str) -> bool:
    """Rewrite an export without the rows of ``pseudonym``; True if it held any."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or "pseudonym" not in rows[0]:
        return False
    column = rows[0].index("pseudonym")
    theirs = _as_written(pseudonym)
    kept = [rows[0]] + [row for row in rows[1:] if len(row) <= column or row[column] not in theirs]
    if len(kept) == len(rows):
        return False
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(kept)
    private_file(path)
    return True


def withdraw_from_copies(store: Store, workshop, pseudonym: str, curriculum=None) -> CopiesDone:
    """After a participant's records left the store: every export and report without them.

    A CSV export loses their rows; a report is rebuilt from the store (so it now also counts
    answers submitted since it was made).  Anything that cannot be rewritten is removed.
    """
    done = CopiesDone()
    for path, kind in kit_copies(store, workshop.workshop_id, workshop.exports_dir):
        try:
            if kind == EXPORT:
                if _csv_without(path, pseudonym):
                    done.rebuilt.append(path)
                continue
            reflections = path / "shared-reflections.csv"
            if reflections.exists() and not _mentions(reflections, pseudonym):
                continue  # a report without their answers: counts only, left as it is
            from coproduction_kit.core.curriculum import load_curriculum
            from coproduction_kit.core import clock
            from coproduction_kit.review.report import build_report

            build_report(store, workshop.workshop_id, curriculum or load_curriculum(workshop.curriculum_dir), path,
                         k=workshop.room_min_answers, made=clock.now(workshop))
            make_private(path)
            done.rebuilt.append(path)
        except Exception:  # unreadable or not rebuildable: it must not keep their words
            _remove(path)
            store.forget_exports(workshop.workshop_id, [path])
            done.removed.append(path)
    return done


def remove_copies(store: Store, workshop) -> list[Path]:
    """``workshop forget``: remove every export and report of the workshop; returns them."""
    removed = []
    for path, _ in kit_copies(store, workshop.workshop_id, workshop.exports_dir):
        _remove(path)
        removed.append(path)
    store.forget_exports(workshop.workshop_id)
    return removed


def _as_written(pseudonym: str) -> set[str]:
    """The pseudonym as a CSV the kit wrote may hold it (``write_csv`` neutralises formulas)."""
    return {pseudonym, neutralise_formula(pseudonym)}


def _mentions(path: Path, pseudonym: str) -> bool:
    theirs = _as_written(pseudonym)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return any(row.get("pseudonym") in theirs for row in csv.DictReader(fh))


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
