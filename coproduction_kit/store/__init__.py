"""The store: every answer a participant types, kept apart from widget state.

``Store`` is put together from rooms of one concern each:

==================  ==========================================================================
``schema``          the tables (made and changed only by ``migrations/``, through ``migrate``)
``engine``          engines, SQLite's settings, the writers' queue
``people``          participants: pseudonyms, secret links, hub users
``saves``           answers: the draft, its last revisions, the rate limit
``submitted``       what was sent on Submit, and the counts facilitators see
``room``            the room's view: reveal, lock, hiding
``pages``           which kernel serves which participant's page
``deletion``        withdrawal, forgetting a workshop, the exports to rebuild or remove
``anonymous``       answers kept with nothing that links them to a participant
``programme``       the programme's own figures (co-facilitation, pay), entered by facilitators
``session_clocks``  each session's clock, shared by the facilitators' devices
``migrate``         making and updating the tables, once, before any page opens the store
==================  ==========================================================================

SQLite (WAL mode) is the embedded default; a cohort points it at PostgreSQL
(``postgresql+psycopg://…``, tested with psycopg 3).  Every statement is built by SQLAlchemy
with bound parameters: no answer text is ever pasted into SQL.  Opening a store runs no
statement that makes or changes a table: a store not made or not updated by ``workshop
migrate`` (or ``serve``) is refused with ``StoreNotReady``, which says so in plain words.
"""

from __future__ import annotations

from coproduction_kit.store.anonymous import Anonymous
from coproduction_kit.store.deletion import Deletion
from coproduction_kit.store.engine import Connected, sqlite_file
from coproduction_kit.store.errors import (AnswerTooLong, PromptLocked, PseudonymTaken, SavingTooFast, StoreError,
                                           StoreNotReady)
from coproduction_kit.store.migrate import check_revision, migrate
from coproduction_kit.store.outcomes import SubmitError, SubmitResult
from coproduction_kit.store.pages import Pages
from coproduction_kit.store.programme import Programme
from coproduction_kit.store.people import People
from coproduction_kit.store.records import (FACILITATORS, PRIVATE, ROOM, SHARE_LEVELS, Answer, Participant,
                                            hash_token, new_review_id, now)
from coproduction_kit.store.room import Room
from coproduction_kit.store.saves import RATE_WINDOW, Saves
from coproduction_kit.store.session_clocks import SessionClocks
from coproduction_kit.store.schema import (SCHEMA_REVISION, anonymous_answers, anonymous_sent, answer_revisions,
                                           answers, exports_written, hub_user_index, metadata, page_kernels,
                                           participants, programme_figures, room_hidden, room_prompts, save_rate,
                                           session_clocks, submissions)
from coproduction_kit.store.submitted import Submissions


class Store(Connected, People, Saves, Submissions, Room, Pages, Deletion, Anonymous, Programme,
            SessionClocks):
    """Answers and participants of every workshop, behind a small interface."""

    def __init__(self, url: str, max_answer_chars: int = 20_000, max_revisions: int = 20,
                 max_saves_per_minute: int = 60):
        super().__init__(url)
        self.max_answer_chars = max_answer_chars
        # The same defaults as WorkshopConfig's: a Store made without them still has the limits.
        self.max_revisions = max(1, max_revisions)
        self.max_saves_per_minute = max(1, max_saves_per_minute)
        try:
            if url.startswith("sqlite") and sqlite_file(url) is None:
                # In memory (a preview, a test): this process is its only user, so it makes its tables.
                with self._write() as conn:
                    metadata.create_all(conn)
            else:
                with self.engine.connect() as conn:
                    check_revision(conn)
        except BaseException:
            self.close()
            raise

    @classmethod
    def for_workshop(cls, config) -> "Store":
        """The store a ``WorkshopConfig`` names, with its limits (answer length, versions, saves)."""
        return cls(config.store_url, max_answer_chars=config.max_answer_chars,
                   max_revisions=config.max_revisions, max_saves_per_minute=config.max_saves_per_minute)

    @classmethod
    def in_memory(cls, **kwargs) -> "Store":
        """A store that vanishes with this process (a preview, a test): no disk to protect, no rate limit."""
        kwargs.setdefault("max_saves_per_minute", 1_000_000)
        return cls("sqlite://", **kwargs)


__all__ = [
    "FACILITATORS", "PRIVATE", "RATE_WINDOW", "ROOM", "SCHEMA_REVISION", "SHARE_LEVELS", "Answer",
    "AnswerTooLong", "Participant", "PromptLocked", "PseudonymTaken", "SavingTooFast", "Store", "StoreError",
    "StoreNotReady", "SubmitError", "SubmitResult", "anonymous_answers", "anonymous_sent", "answer_revisions",
    "answers", "exports_written", "hash_token", "hub_user_index", "metadata", "migrate", "new_review_id", "now",
    "page_kernels", "participants", "programme_figures", "room_hidden", "room_prompts", "save_rate", "session_clocks",
    "submissions",
]
