"""What the store hands back: a participant, an answer, and the small rules they share.

A share level says who may read an answer: ``private`` (only its writer), ``facilitators``
(once submitted) or ``room`` (also the room's view, once revealed).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

PRIVATE, FACILITATORS, ROOM = "private", "facilitators", "room"
SHARE_LEVELS = (PRIVATE, FACILITATORS, ROOM)


@dataclass(frozen=True)
class Participant:
    id: int
    workshop_id: str
    pseudonym: str
    review_id: str = ""


@dataclass(frozen=True)
class Answer:
    module_id: str
    exercise_id: str
    value: object
    share: str
    passed: bool
    revision: int
    saved_at: datetime
    submitted_value: object = None
    submitted_share: str | None = None
    submitted_at: datetime | None = None


def new_review_id() -> str:
    """What reviewers see in formgrader instead of a pseudonym (blind review)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "r" + "".join(secrets.choice(alphabet) for _ in range(7))


def now() -> datetime:
    return datetime.now(timezone.utc)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything here is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def participant_of(row) -> Participant:
    return Participant(row.id, row.workshop_id, row.pseudonym, row.review_id)


def answer_of(row) -> Answer:
    return Answer(
        module_id=row.module_id,
        exercise_id=row.exercise_id,
        value=json.loads(row.value) if row.value is not None else None,
        share=row.share,
        passed=bool(row.passed),
        revision=row.revision,
        saved_at=utc(row.saved_at),
        submitted_value=json.loads(row.submitted_value) if row.submitted_value else None,
        submitted_share=row.submitted_share,
        submitted_at=utc(row.submitted_at),
    )
