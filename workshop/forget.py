"""Forgetting: a participant withdraws their answers; facilitators delete a workshop's data.

A withdrawal removes every copy: the store (drafts, revisions, submissions), nbgrader's
exchange, the course's submitted, autograded and feedback folders, and the gradebook.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from widgets.config import WorkshopConfig
from widgets.store import Participant, Store


def _nbgrader_ids(participant: Participant) -> set[str]:
    # Both, so that a withdrawal also reaches submissions made while review was not blind.
    return {participant.review_id, participant.pseudonym} - {""}


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
    return removed


def withdraw(workshop: WorkshopConfig, store: Store, participant: Participant) -> dict[str, int]:
    """Remove everything a participant wrote, wherever it went; returns what was removed."""
    ids = _nbgrader_ids(participant)
    inbound = workshop.exchange_root / workshop.workshop_id / "inbound"
    folders = [f for f in inbound.glob("*+*") if f.name.split("+", 1)[0] in ids] if inbound.is_dir() else []
    for folder in folders:
        shutil.rmtree(folder)
    collected = 0
    for step in ("submitted", "autograded", "feedback"):
        for student_id in ids:
            path = workshop.course_dir / step / student_id
            if path.is_dir():
                shutil.rmtree(path)
                collected += 1
    gradebook = _remove_from_gradebook(workshop, ids)
    removed = store.delete_participant(participant)
    return {
        "answers": removed["answers"],
        "revisions": removed["answer_revisions"],
        "submissions": len(folders),
        "collected copies": collected,
        "gradebook entries": gradebook,
    }


def forget_workshop(workshop: WorkshopConfig, store: Store) -> dict[str, int]:
    """Delete all of one workshop's data: store records, nbgrader course and exchange."""
    removed = store.delete_workshop(workshop.workshop_id)
    for folder in (workshop.course_dir, workshop.exchange_root / workshop.workshop_id):
        if Path(folder).exists():
            shutil.rmtree(folder)
    return {"participants": removed["participants"], "answers": removed["answers"]}
