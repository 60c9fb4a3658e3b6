"""Saving an answer: the current draft, its last revisions, and the store's own rate limit.

One record per workshop, participant, module and exercise holds the current draft and its share
choice; every save also appends a revision, and only the last ``max_revisions`` of each answer are
kept (the module page and the journal say so).  Saves are limited per participant
(``max_saves_per_minute``), here in the store, so that no page or kernel can fill the disk.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from coproduction_kit.store.errors import AnswerTooLong, PromptLocked, SavingTooFast, StoreError
from coproduction_kit.store.records import (PRIVATE, ROOM, SHARE_LEVELS, Answer, Participant, answer_of, now,
                                            utc)
from coproduction_kit.store.schema import answer_revisions, answers, participants, room_prompts, save_rate

RATE_WINDOW = 60.0  # seconds

# The statements of a save, built once: a save then runs them without building or compiling
# anything while it holds the writers' lock (thirty kernels may be saving in the same moment).
_ANSWER_KEY = ("workshop_id", "participant_id", "module_id", "exercise_id")
_ANSWER_FIELDS = ("value", "share", "passed", "saved_at", "revision")
_BOUND = {k: sa.bindparam(f"p_{k}") for k in _ANSWER_KEY + _ANSWER_FIELDS}  # named apart from the columns
_IS_THIS_ANSWER = [answers.c[k] == _BOUND[k] for k in _ANSWER_KEY]
_FIND_ANSWER = sa.select(answers.c.revision, answers.c.value, answers.c.share).where(*_IS_THIS_ANSWER)
_INSERT_ANSWER = answers.insert().values({k: _BOUND[k] for k in _ANSWER_KEY + _ANSWER_FIELDS})
_UPDATE_ANSWER = answers.update().where(*_IS_THIS_ANSWER).values({k: _BOUND[k] for k in _ANSWER_FIELDS})
_KEEP_REVISION = answer_revisions.insert().values({k: _BOUND[k] for k in _ANSWER_KEY + _ANSWER_FIELDS})
# On PostgreSQL, saves of one participant (two tabs, two kernels) queue on their row; on SQLite
# every writer already queues on the writers' lock.
_QUEUE_BEHIND_PARTICIPANT = (sa.select(participants.c.id)
                             .where(participants.c.id == _BOUND["participant_id"]).with_for_update())
# Only the last ``max_revisions`` of an answer are kept: older ones go as a new one comes.
_DROP_OLD_REVISIONS = answer_revisions.delete().where(
    *[answer_revisions.c[k] == _BOUND[k] for k in _ANSWER_KEY],
    answer_revisions.c.revision < sa.bindparam("p_oldest_kept"),
)
_FIND_RATE = sa.select(save_rate.c.window_start, save_rate.c.saves).where(
    save_rate.c.participant_id == _BOUND["participant_id"])
_START_RATE = save_rate.insert().values(participant_id=_BOUND["participant_id"], workshop_id=_BOUND["workshop_id"],
                                        window_start=_BOUND["saved_at"], saves=1)
_RESTART_RATE = save_rate.update().where(save_rate.c.participant_id == _BOUND["participant_id"]).values(
    window_start=_BOUND["saved_at"], saves=1)
_COUNT_RATE = save_rate.update().where(save_rate.c.participant_id == _BOUND["participant_id"]).values(
    saves=save_rate.c.saves + 1)


def _refuse_on_locked_prompt(existing, encoded: str, share: str) -> None:
    """A locked prompt keeps what it has: no new answer, no new text, nothing newly in the room.

    Passing, or taking an answer out of the room, stays allowed: the lock is the facilitators'
    moderation, never a reason to keep someone's words shown.
    """
    empty = encoded in ("null", '""', "[]", "{}")
    if existing is None and empty and share != ROOM:
        return  # a pass, with nothing written
    if existing is None or existing.value != encoded:
        raise PromptLocked(
            "The facilitators have closed this question, so it takes no new answer. Your text "
            "stays on this page, not saved; you can still pass, or copy it for yourself."
        )
    if share == ROOM and existing.share != ROOM:
        raise PromptLocked(
            "The facilitators have closed this question, so no answer can join the room's view "
            "now. Your answer is kept as it was; you can still share it with the facilitators."
        )


_IS_LOCKED = sa.select(room_prompts.c.locked).where(
    room_prompts.c.workshop_id == sa.bindparam("p_workshop_id"), room_prompts.c.exercise_id == sa.bindparam("p_exercise_id"))


def prompt_locked(conn, workshop_id: str, exercise_id: str) -> bool:
    return bool(conn.execute(_IS_LOCKED, {"p_workshop_id": workshop_id, "p_exercise_id": exercise_id}).scalar())


class _Rehearsal(Exception):
    """Ends ``warm_saves``' transaction, so that it is rolled back."""


class Saves:
    """The answers' part of ``Store``: save, read back, revisions."""

    def save_answer(
        self,
        participant: Participant,
        module_id: str,
        exercise_id: str,
        value,
        share: str = PRIVATE,
        passed: bool = False,
    ) -> Answer:
        """Keep the current draft and append it as a new revision."""
        if share not in SHARE_LEVELS:
            raise StoreError(f"Unknown share level {share!r}; expected one of {SHARE_LEVELS}")
        encoded = json.dumps(value, ensure_ascii=False)
        length = len(value) if isinstance(value, str) else len(encoded)
        if length > self.max_answer_chars:
            raise AnswerTooLong(
                f"This answer has {length:,} characters; the limit is "
                f"{self.max_answer_chars:,}. It stays on your page but is not saved until shortened."
            )
        key = dict(
            workshop_id=participant.workshop_id,
            participant_id=participant.id,
            module_id=module_id,
            exercise_id=exercise_id,
        )
        saved_at = now()
        params = {f"p_{k}": v for k, v in dict(key, value=encoded, share=share, passed=passed, saved_at=saved_at).items()}
        with self._write() as conn:
            revision = self._save_in(conn, participant, params, encoded, share, saved_at)
        return Answer(module_id, exercise_id, value, share, passed, revision, saved_at)

    def _save_in(self, conn, participant: Participant, params: dict, encoded: str, share: str,
                 saved_at: datetime, keep: int | None = None) -> int:
        """A save's statements in the open write transaction ``conn``; returns the new revision."""
        if self._writers is None:
            conn.execute(_QUEUE_BEHIND_PARTICIPANT, params)
        self._count_save(conn, participant, saved_at)
        existing = conn.execute(_FIND_ANSWER, params).first()
        if prompt_locked(conn, participant.workshop_id, params["p_exercise_id"]):
            _refuse_on_locked_prompt(existing, encoded, share)
        revision = existing.revision + 1 if existing else 1
        conn.execute(_UPDATE_ANSWER if existing else _INSERT_ANSWER, {**params, "p_revision": revision})
        conn.execute(_KEEP_REVISION, {**params, "p_revision": revision})
        if revision > (self.max_revisions if keep is None else keep):
            conn.execute(_DROP_OLD_REVISIONS, {**params, "p_oldest_kept": revision - self.max_revisions + 1})
        return revision

    def warm_saves(self, participant: Participant | None = None) -> None:
        """Make a page's first save as quick as its next ones, writing nothing.

        A save's statements are compiled the first time a process runs them (about 25 ms of
        Python, against 1 ms for a save after that); thirty kernels saving for the first time in
        the same moment queued on two cores for that.  Run when a page opens (a preheated page
        before anyone asks for it): every statement of a first and of a later save runs once in
        a transaction that is rolled back.  Without a participant (a page still waiting for its
        request) only SQLite can do it: its foreign keys wait for a commit that never comes;
        PostgreSQL's pages do it when they learn their participant.  Done once per store.
        """
        sqlite = self.engine.dialect.name == "sqlite"
        if getattr(self, "_saves_warm", False) or (participant is None and not sqlite):
            return
        who = participant or Participant(-1, "warm-up", "warm-up")
        moment = now()
        params = {"p_workshop_id": who.workshop_id, "p_participant_id": who.id, "p_module_id": "warm-up",
                  "p_exercise_id": "warm-up", "p_value": '""', "p_share": PRIVATE, "p_passed": False,
                  "p_saved_at": moment}
        try:
            with self._write() as conn:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # until this transaction ends
                for _ in range(2):  # a first save, then a later one: both paths
                    self._save_in(conn, who, params, '""', PRIVATE, moment, keep=0)
                conn.execute(_RESTART_RATE, {k: params[k] for k in ("p_participant_id", "p_workshop_id", "p_saved_at")})
                raise _Rehearsal
        except _Rehearsal:
            self._saves_warm = True  # rolled back: nothing was written
        except Exception:  # only an optimisation: a page saves without it
            pass


    def _count_save(self, conn, participant: Participant, moment: datetime) -> None:
        """Count one save of this participant; beyond ``max_saves_per_minute`` it is refused.

        Counted in the store, which every page and kernel goes through, so no script on a page
        can write faster.  The page keeps the text and saves it when the minute is over.
        """
        params = {"p_participant_id": participant.id, "p_workshop_id": participant.workshop_id,
                  "p_saved_at": moment}
        row = conn.execute(_FIND_RATE, params).first()
        if row is None:
            conn.execute(_START_RATE, params)
            return
        elapsed = (moment - utc(row.window_start)).total_seconds()
        if elapsed >= RATE_WINDOW or elapsed < 0:
            conn.execute(_RESTART_RATE, params)
        elif row.saves >= self.max_saves_per_minute:
            wait = max(1.0, RATE_WINDOW - elapsed)
            raise SavingTooFast(
                f"Saving paused: more than {self.max_saves_per_minute} saves in a minute. Your text "
                f"stays on this page and is saved in about {wait:.0f} seconds.", retry_after=wait,
            )
        else:
            conn.execute(_COUNT_RATE, params)

    def get_answer(self, participant: Participant, module_id: str, exercise_id: str) -> Answer | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(answers).where(
                    answers.c.workshop_id == participant.workshop_id,
                    answers.c.participant_id == participant.id,
                    answers.c.module_id == module_id,
                    answers.c.exercise_id == exercise_id,
                )
            ).first()
        return answer_of(row) if row else None

    def answers_for(self, participant: Participant, module_id: str | None = None) -> list[Answer]:
        query = sa.select(answers).where(
            answers.c.workshop_id == participant.workshop_id,
            answers.c.participant_id == participant.id,
        )
        if module_id is not None:
            query = query.where(answers.c.module_id == module_id)
        with self.engine.connect() as conn:
            return [answer_of(r) for r in conn.execute(query.order_by(answers.c.exercise_id))]

    def revisions(self, participant: Participant, module_id: str, exercise_id: str) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(answer_revisions)
                .where(
                    answer_revisions.c.workshop_id == participant.workshop_id,
                    answer_revisions.c.participant_id == participant.id,
                    answer_revisions.c.module_id == module_id,
                    answer_revisions.c.exercise_id == exercise_id,
                )
                .order_by(answer_revisions.c.revision)
            )
            return [
                {"revision": r.revision, "value": json.loads(r.value), "share": r.share,
                 "passed": bool(r.passed), "saved_at": utc(r.saved_at)}
                for r in rows
            ]
