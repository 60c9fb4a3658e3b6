"""Forgetting: a participant withdraws their answers; facilitators delete a workshop's data.

A withdrawal removes every copy the kit made of what the participant wrote:

- the store: answers, their kept versions, submissions, room moderation, the save counter; on
  SQLite the deleted rows are overwritten and the write-ahead log emptied (``Store.scrub``);
- nbgrader's exchange: their submissions (``inbound``), the feedback released to them
  (``feedback/<hash>.html``) and anything of theirs in ``.staging``;
- nbgrader's course: their submitted, autograded and feedback folders, and their gradebook
  entries (the gradebook is then compacted, so no removed comment stays in its file);
- the facilitators' exports and reports: each rewritten or rebuilt without them, or removed.

The withdrawal page lists all of it, and what a facilitator must delete by hand: copies already
downloaded or taken off this machine (exports, reports, formgrader downloads).
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from coproduction_kit.core.cofacilitator_links import LINKS_FILE
from coproduction_kit.core.settings import WorkshopConfig
from coproduction_kit.review.copies import remove_copies, withdraw_from_copies
from coproduction_kit.store import Participant, Store
from coproduction_kit.nbgrader.exchange import nbgrader_ids, released_feedback_of, remove_submissions

COURSE_STEPS = ("submitted", "autograded", "feedback")
STAGING_LEFTOVER = 600  # seconds
BY_HAND = (
    "copies of exports or reports that a facilitator downloaded, e-mailed or printed",
    "notebooks or feedback pages downloaded from formgrader",
)


def _remove_from_gradebook(workshop: WorkshopConfig, student_ids: set[str]) -> int:
    gradebook = workshop.course_dir / "gradebook.db"
    if not gradebook.exists():
        return 0
    from nbgrader.api import Gradebook, MissingEntry

    removed = 0
    with Gradebook(f"sqlite:///{gradebook}", workshop.workshop_id) as gb:
        for student_id in student_ids:
            try:
                gb.remove_student(student_id)
                removed += 1
            except MissingEntry:
                pass
    if removed:
        _compact(gradebook)
    return removed


def _compact(database: Path) -> bool:
    """Rewrite an SQLite file so no deleted row (a reviewer's comment) stays in its free pages.

    formgrader may hold the gradebook at this moment; then it stays as it is (it keeps scores
    and comments, never answer text) and the withdrawal goes on.
    """
    try:
        connection = sqlite3.connect(database, timeout=5, isolation_level=None)
        try:
            connection.execute("VACUUM")
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return True


def _remove_course_copies(workshop: WorkshopConfig, ids: set[str]) -> int:
    """Their folders in the course (nbgrader's collected, autograded and feedback copies)."""
    exchange_course = workshop.exchange_root / workshop.workshop_id
    removed = 0
    for step in COURSE_STEPS:
        for student_id in ids:
            path = workshop.course_dir / step / student_id
            if not path.is_dir():
                continue
            # Feedback released from a copy whose submission already left the exchange.
            for assignment in path.iterdir():
                for page in released_feedback_of(assignment, exchange_course):
                    page.unlink(missing_ok=True)
            shutil.rmtree(path)
            removed += 1
    return removed


def _remove_staging(workshop: WorkshopConfig, ids: set[str]) -> int:
    """Their lock files and half-written submissions in the exchange's staging folder.

    A submission is written there in a moment; a folder older than ``STAGING_LEFTOVER`` seconds
    was left by a crash (an earlier version did not name them after the student): it goes too.
    """
    staging = workshop.exchange_root / workshop.workshop_id / ".staging"
    removed = 0
    if staging.is_dir():
        for item in staging.iterdir():
            leftover = item.is_dir() and time.time() - item.stat().st_mtime > STAGING_LEFTOVER
            if item.name.split("+", 1)[0] in ids or leftover:
                if item.is_dir():
                    shutil.rmtree(item, ignore_errors=True)
                else:
                    item.unlink(missing_ok=True)
                removed += 1
    return removed


def withdraw(workshop: WorkshopConfig, store: Store, participant: Participant, curriculum=None) -> dict:
    """Remove everything a participant wrote, wherever the kit put it; returns what was removed.

    Counts under "answers", "revisions", "submissions", "feedback pages", "collected copies",
    "gradebook entries"; the exports and reports "rebuilt" and "removed" (paths); "scrubbed"
    (False if the store's log could not be emptied at once); and "by hand".
    """
    ids = nbgrader_ids(participant)
    exchange = remove_submissions(workshop.exchange_root, workshop.workshop_id, ids)
    feedback_pages = sum(1 for p in exchange if p.suffix == ".html")
    collected = _remove_course_copies(workshop, ids)
    _remove_staging(workshop, ids)
    gradebook = _remove_from_gradebook(workshop, ids)
    removed = store.delete_participant(participant)  # scrubs the store's files too
    copies = withdraw_from_copies(store, workshop, participant.pseudonym, curriculum)
    return {
        "answers": removed["answers"],
        "revisions": removed["answer_revisions"],
        "submissions": len(exchange) - feedback_pages,
        "feedback pages": feedback_pages,
        "collected copies": collected,
        "gradebook entries": gradebook,
        "rebuilt": [str(p) for p in copies.rebuilt],
        "removed": [str(p) for p in copies.removed],
        "scrubbed": store.scrub(),
        # PostgreSQL deletes the rows, but their bytes stay on its disk until reused or vacuumed.
        "database server": store.engine.dialect.name != "sqlite",
        "by hand": list(BY_HAND),
    }


def forget_workshop(workshop: WorkshopConfig, store: Store) -> dict:
    """Delete all of one workshop's data: store records, nbgrader course and exchange, exports, and
    the co-facilitators' links (``cofacilitators.json`` names them and holds their working links;
    a server still running then lets none of their phones in)."""
    exports = remove_copies(store, workshop)
    removed = store.delete_workshop(workshop.workshop_id)
    for folder in (workshop.course_dir, workshop.exchange_root / workshop.workshop_id):
        if Path(folder).exists():
            shutil.rmtree(folder)
    links = Path(workshop.data_dir) / LINKS_FILE
    had_links = links.exists()
    links.unlink(missing_ok=True)
    return {"participants": removed["participants"], "answers": removed["answers"],
            "exports": [str(p) for p in exports], "cofacilitator links": had_links, "scrubbed": store.scrub()}
