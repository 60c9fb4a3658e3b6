"""Anonymous answers: an exercise marked ``anonymous`` (such as the closing evaluation).

Such an answer is kept with nothing that links it to a participant: no participant, no time, and
a random key.  The store only remembers who has sent an answer to which exercise, so no one sends
twice; it cannot say which answer is whose, so it can be neither changed nor withdrawn.
"""

from __future__ import annotations

import json
import re
import secrets

import sqlalchemy as sa

from coproduction_kit.core.curriculum import FOLLOW_UP_EXERCISE
from coproduction_kit.store.errors import AnswerTooLong, StoreError
from coproduction_kit.store.records import Participant
from coproduction_kit.store.schema import (anonymous_answers, anonymous_sent, answer_revisions, answers,
                                           room_prompts)

_PAIR_KEY = re.compile(r"[0-9a-f]{32}")


class Anonymous:
    """The anonymous answers' part of ``Store``."""

    def send_anonymously(self, participant: Participant, module_id: str, exercise_id: str, value,
                         pair_key: str | None = None) -> None:
        """Keep ``value`` with no link to ``participant``, and remove their draft and its revisions.

        From then on the store knows only that this participant has sent an answer to this
        exercise, not which one; so it can be neither changed nor withdrawn.  On SQLite the draft
        leaves no bytes in the store's files either (secure_delete, then ``scrub``).  ``pair_key``
        (the evaluation's statements) is the hash of the participant's pairing code, kept beside
        the answer: it pairs this answer with their others, and names no one.  The follow-up takes
        answers only while a facilitator has it open (``open_follow_up``).
        """
        if value in (None, "", [], {}):
            raise StoreError("There is nothing to send yet: answer first, or leave it.")
        if pair_key is not None and not (isinstance(pair_key, str) and _PAIR_KEY.fullmatch(pair_key)):
            raise StoreError("That pairing code could not be read; send again, or leave the code out.")
        if exercise_id == FOLLOW_UP_EXERCISE and not self.follow_up_open(participant.workshop_id):
            raise StoreError("The follow-up is not open; the facilitators will say when it is.")
        encoded = json.dumps(value, ensure_ascii=False)
        if len(encoded) > self.max_answer_chars:
            raise AnswerTooLong(f"This answer is longer than {self.max_answer_chars:,} characters; "
                                "shorten it before sending.")
        mine = dict(workshop_id=participant.workshop_id, participant_id=participant.id, exercise_id=exercise_id)
        with self._write() as conn:
            try:
                conn.execute(anonymous_sent.insert().values(**mine))
            except sa.exc.IntegrityError:
                raise StoreError("You have already sent an answer to this question anonymously.") from None
            conn.execute(anonymous_answers.insert().values(
                id=secrets.token_hex(16), workshop_id=participant.workshop_id, exercise_id=exercise_id,
                value=encoded, pair_key=pair_key))
            for table in (answer_revisions, answers):
                conn.execute(table.delete().where(*[table.c[k] == v for k, v in mine.items()],
                                                  table.c.module_id == module_id))
        # The write-ahead log still holds the draft, and this send's frames beside the participant's
        # row: written back and emptied, no byte links the answer to them (on SQLite; SECURITY.md).
        self.scrub()

    def sent_anonymously(self, participant: Participant, exercise_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(anonymous_sent.c.exercise_id).where(
                anonymous_sent.c.workshop_id == participant.workshop_id,
                anonymous_sent.c.participant_id == participant.id,
                anonymous_sent.c.exercise_id == exercise_id)).first() is not None

    def anonymous_answers(self, workshop_id: str) -> dict[str, list]:
        """Per exercise, the anonymous answers, in no order that says who or when."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(anonymous_answers.c.exercise_id, anonymous_answers.c.value)
                                .where(anonymous_answers.c.workshop_id == workshop_id)).all()
        result: dict[str, list] = {}
        for exercise_id, value in rows:
            result.setdefault(exercise_id, []).append(json.loads(value))
        for values in result.values():
            secrets.SystemRandom().shuffle(values)
        return result

    def paired_answers(self, workshop_id: str) -> dict[str, list[tuple[str | None, object]]]:
        """Per exercise, ``(pair_key, value)`` for each anonymous answer, in random order: for pairing
        the evaluation's before and after (``review/evaluation.py``); a key names no one."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(anonymous_answers.c.exercise_id, anonymous_answers.c.pair_key,
                                          anonymous_answers.c.value)
                                .where(anonymous_answers.c.workshop_id == workshop_id)).all()
        result: dict[str, list] = {}
        for exercise_id, key, value in rows:
            result.setdefault(exercise_id, []).append((key, json.loads(value)))
        for values in result.values():
            secrets.SystemRandom().shuffle(values)
        return result

    # The follow-up, opened by a facilitator months later (``workshop followup``): kept as the room
    # state of its exercise, so every page and the start page see it at once.
    def follow_up_open(self, workshop_id: str) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.execute(sa.select(room_prompts.c.revealed).where(
                room_prompts.c.workshop_id == workshop_id,
                room_prompts.c.exercise_id == FOLLOW_UP_EXERCISE)).scalar())

    def open_follow_up(self, workshop_id: str, is_open: bool = True) -> None:
        self.set_room_state(workshop_id, FOLLOW_UP_EXERCISE, revealed=is_open)
