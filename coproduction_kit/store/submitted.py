"""What was sent on Submit, and what facilitators may read and count of it.

A Submit keeps each sent answer's text and share level as they were at that moment, beside the
draft, which the participant can go on changing; facilitators read only what was submitted and
shared with them (``submitted_rows``), and the room's counts say how many, never who.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from coproduction_kit.store.records import FACILITATORS, ROOM, Answer, Participant, utc
from coproduction_kit.store.schema import answers, participants, submissions


class Submissions:
    """The submissions' part of ``Store``."""

    def record_submission(
        self, participant: Participant, module_id: str, sent: list[Answer], submitted_at: datetime,
        exchange_folder: str,
    ) -> None:
        """Remember what was sent: the sent answers' text and share level as they were at submit."""
        with self._write() as conn:
            base = [
                answers.c.workshop_id == participant.workshop_id,
                answers.c.participant_id == participant.id,
                answers.c.module_id == module_id,
            ]
            # A resubmission replaces the earlier one: answers no longer shared are cleared.
            conn.execute(
                answers.update().where(*base).values(
                    submitted_value=None, submitted_share=None, submitted_at=None,
                    submitted_saved_at=None,
                )
            )
            for answer in sent:
                conn.execute(
                    answers.update()
                    .where(*base, answers.c.exercise_id == answer.exercise_id)
                    .values(
                        submitted_value=json.dumps(answer.value, ensure_ascii=False),
                        submitted_share=answer.share,
                        submitted_at=submitted_at,
                        submitted_saved_at=answer.saved_at,
                    )
                )
            conn.execute(
                submissions.insert().values(
                    workshop_id=participant.workshop_id,
                    participant_id=participant.id,
                    module_id=module_id,
                    submitted_at=submitted_at,
                    exchange_folder=exchange_folder,
                    answers_sent=len(sent),
                )
            )

    def last_submission(self, participant: Participant, module_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(submissions)
                .where(
                    submissions.c.workshop_id == participant.workshop_id,
                    submissions.c.participant_id == participant.id,
                    submissions.c.module_id == module_id,
                )
                .order_by(submissions.c.id.desc())
            ).first()
        if row is None:
            return None
        return {"submitted_at": utc(row.submitted_at), "exchange_folder": row.exchange_folder,
                "answers_sent": row.answers_sent}

    def submitted_rows(self, workshop_id: str) -> list[dict]:
        """Every answer as last submitted and shared, with its pseudonym: what facilitators may read."""
        query = (
            sa.select(
                answers.c.workshop_id, participants.c.pseudonym, answers.c.module_id,
                answers.c.exercise_id, answers.c.submitted_share, answers.c.submitted_value,
                answers.c.submitted_saved_at, answers.c.submitted_at,
            )
            .join(participants, participants.c.id == answers.c.participant_id)
            .where(
                answers.c.workshop_id == workshop_id,
                answers.c.submitted_at.is_not(None),
                answers.c.submitted_share.in_([FACILITATORS, ROOM]),
            )
            .order_by(participants.c.pseudonym, answers.c.module_id, answers.c.exercise_id)
        )
        with self.engine.connect() as conn:
            return [
                {
                    "workshop": r.workshop_id, "pseudonym": r.pseudonym, "module": r.module_id,
                    "exercise_id": r.exercise_id, "share_level": r.submitted_share,
                    "answer": json.loads(r.submitted_value), "saved_at": utc(r.submitted_saved_at),
                    "submitted_at": utc(r.submitted_at),
                }
                for r in conn.execute(query)
            ]

    def pass_counts(self, workshop_id: str) -> dict[str, int]:
        """How many participants passed each exercise: a count only, never who."""
        query = (
            sa.select(answers.c.exercise_id, sa.func.count())
            .where(answers.c.workshop_id == workshop_id, answers.c.passed.is_(True))
            .group_by(answers.c.exercise_id)
        )
        with self.engine.connect() as conn:
            return {exercise_id: count for exercise_id, count in conn.execute(query)}

    def progress(self, participant: Participant) -> dict[str, dict]:
        """Per module: how many exercises have an answer or a pass, and when it was last submitted."""
        result: dict[str, dict] = {}
        for answer in self.answers_for(participant):
            entry = result.setdefault(answer.module_id, {"answered": 0, "passed": 0})
            if answer.passed:
                entry["passed"] += 1
            elif answer.value not in (None, "", []):
                entry["answered"] += 1
        for module_id in result:
            last = self.last_submission(participant, module_id)
            result[module_id]["submitted_at"] = last["submitted_at"] if last else None
        return result
