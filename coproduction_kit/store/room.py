"""The room's view: answers shared with the room, and the facilitators' reveal, lock and hiding.

Per prompt the facilitators reveal it or lock it, and may hide single answers (moderation).
Answers are keyed by participant id here, never shown as a pseudonym.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from coproduction_kit.store.records import ROOM
from coproduction_kit.store.saves import prompt_locked
from coproduction_kit.store.schema import answers, room_hidden, room_prompts


class Room:
    """The room view's part of ``Store``."""

    _locked = staticmethod(prompt_locked)

    def room_answers(self, workshop_id: str, exercise_id: str) -> list[tuple[int, object]]:
        """(participant id, value) of the current answers shared with the room, not hidden."""
        hidden = sa.select(room_hidden.c.participant_id).where(
            room_hidden.c.workshop_id == workshop_id, room_hidden.c.exercise_id == exercise_id
        )
        query = sa.select(answers.c.participant_id, answers.c.value).where(
            answers.c.workshop_id == workshop_id,
            answers.c.exercise_id == exercise_id,
            answers.c.share == ROOM,
            answers.c.passed.is_(False),
            answers.c.participant_id.not_in(hidden),
        ).order_by(answers.c.saved_at)
        with self.engine.connect() as conn:
            rows = [(r.participant_id, json.loads(r.value)) for r in conn.execute(query)]
        return [(pid, value) for pid, value in rows if value not in (None, "", [], {})]

    def room_state(self, workshop_id: str) -> dict[str, dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(room_prompts).where(room_prompts.c.workshop_id == workshop_id))
            return {r.exercise_id: {"revealed": bool(r.revealed), "locked": bool(r.locked)} for r in rows}

    def room_controls(self, workshop_id: str) -> tuple:
        """What the facilitators last set for the whole room (reveals, locks, hidden answers), as
        one comparable value: two small reads, cheap enough to ask twice a second."""
        with self.engine.connect() as conn:
            prompts = conn.execute(sa.select(room_prompts.c.exercise_id, room_prompts.c.revealed, room_prompts.c.locked)
                                   .where(room_prompts.c.workshop_id == workshop_id)
                                   .order_by(room_prompts.c.exercise_id)).all()
            hidden = conn.execute(sa.select(room_hidden.c.exercise_id, room_hidden.c.participant_id)
                                  .where(room_hidden.c.workshop_id == workshop_id)
                                  .order_by(room_hidden.c.exercise_id, room_hidden.c.participant_id)).all()
        return tuple(map(tuple, prompts)), tuple(map(tuple, hidden))

    def set_room_state(self, workshop_id: str, exercise_id: str, *, revealed: bool | None = None,
                       locked: bool | None = None) -> dict:
        with self._write() as conn:
            where = [room_prompts.c.workshop_id == workshop_id, room_prompts.c.exercise_id == exercise_id]
            row = conn.execute(sa.select(room_prompts).where(*where)).first()
            state = {"revealed": bool(row.revealed), "locked": bool(row.locked)} if row else {"revealed": False, "locked": False}
            if revealed is not None:
                state["revealed"] = revealed
            if locked is not None:
                state["locked"] = locked
            if row:
                conn.execute(room_prompts.update().where(*where).values(**state))
            else:
                conn.execute(room_prompts.insert().values(workshop_id=workshop_id, exercise_id=exercise_id, **state))
        return state

    def hidden_in_room(self, workshop_id: str, exercise_id: str) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(room_hidden.c.participant_id).where(
                room_hidden.c.workshop_id == workshop_id, room_hidden.c.exercise_id == exercise_id
            )).scalars())

    def hide_in_room(self, workshop_id: str, participant_id: int, exercise_id: str, hidden: bool = True) -> None:
        """Moderation: take one answer out of the room view (or put it back)."""
        key = dict(workshop_id=workshop_id, participant_id=participant_id, exercise_id=exercise_id)
        with self._write() as conn:
            conn.execute(room_hidden.delete().where(*[room_hidden.c[k] == v for k, v in key.items()]))
            if hidden:
                conn.execute(room_hidden.insert().values(**key))
