"""The store: every answer a participant types, kept apart from widget state.

One record per workshop, participant, module and exercise holds the current draft, its share
choice and what was last submitted; every save also appends a revision, and only the last
``max_revisions`` of each answer are kept (the module page and the journal say so).  Saves are
limited per participant (``max_saves_per_minute``), here in the store, so that no page or kernel
can fill the disk.  On SQLite, deleted rows are overwritten (``PRAGMA secure_delete``) and
``scrub`` empties the write-ahead log, so a withdrawn answer leaves no bytes in the store's
files; on PostgreSQL, deleted rows stay in the table files until the database is vacuumed
(``VACUUM FULL`` rewrites them; backups keep theirs until they expire).

SQLite (WAL mode) is the embedded default; a cohort points it at PostgreSQL
(``postgresql+psycopg://…``, tested with psycopg 3).  What differs between the two is kept to
three places: SQLite's writers queue with ``BEGIN IMMEDIATE``, PostgreSQL's with a row
lock on the participant (``save_answer``); and on PostgreSQL many kernels creating the tables at
once wait on an advisory lock.  Every statement is built by SQLAlchemy with bound parameters: no
answer text is ever pasted into SQL.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from coproduction_kit.core.identity import PSEUDONYM_MAX, hub_pseudonym, pseudonym_key, validate_pseudonym
from coproduction_kit.core.private_files import create_private_file, private_folder

PRIVATE, FACILITATORS, ROOM = "private", "facilitators", "room"
SHARE_LEVELS = (PRIVATE, FACILITATORS, ROOM)

metadata = sa.MetaData()

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("pseudonym", sa.String(40), nullable=False),
    sa.Column("pseudonym_key", sa.String(160), nullable=False),
    # Only a hash of the participant's secret is kept: a copied store opens no one's page.
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    # What reviewers see in formgrader instead of the pseudonym (blind review).
    sa.Column("review_id", sa.String(16), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # Behind JupyterHub: the hub user this participant is (None for a pseudonym chosen in a browser).
    sa.Column("hub_user", sa.String(255)),
    sa.UniqueConstraint("workshop_id", "pseudonym_key"),
)
# One participant per hub user and workshop (a unique index, so older stores can gain it).
hub_user_index = sa.Index("ix_participants_hub_user", participants.c.workshop_id,
                          participants.c.hub_user, unique=True)


def _answer_key(with_exercise: bool = True) -> list[sa.Column]:
    columns = [
        sa.Column("workshop_id", sa.String(40), nullable=False),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
        sa.Column("module_id", sa.String(80), nullable=False),
    ]
    if with_exercise:
        columns.append(sa.Column("exercise_id", sa.String(160), nullable=False))
    return columns


answers = sa.Table(
    "answers",
    metadata,
    *_answer_key(),
    sa.Column("value", sa.Text),  # JSON
    sa.Column("share", sa.String(16), nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitted_value", sa.Text),
    sa.Column("submitted_share", sa.String(16)),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
    sa.Column("submitted_saved_at", sa.DateTime(timezone=True)),
    sa.PrimaryKeyConstraint("workshop_id", "participant_id", "module_id", "exercise_id"),
)

answer_revisions = sa.Table(
    "answer_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    *_answer_key(),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("value", sa.Text),
    sa.Column("share", sa.String(16), nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    *_answer_key(with_exercise=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("exchange_folder", sa.Text, nullable=False),
    sa.Column("answers_sent", sa.Integer, nullable=False),
)

# How many saves each participant made in the current minute: the store's own rate limit.
save_rate = sa.Table(
    "save_rate",
    metadata,
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
    sa.Column("saves", sa.Integer, nullable=False),
)

# Every export and report the kit wrote, wherever it went (``--out``), so that a withdrawal can
# rebuild each without the participant and ``workshop forget`` can remove them.
exports_written = sa.Table(
    "exports_written",
    metadata,
    sa.Column("path", sa.String(1024), primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # "export" (a CSV file) or "report" (a folder)
    sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
)

# The room view: per prompt, whether the facilitators revealed or locked it, and the single
# answers they hid (moderation). Keyed by participant id, never shown as a pseudonym.
room_prompts = sa.Table(
    "room_prompts",
    metadata,
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("exercise_id", sa.String(160), nullable=False),
    sa.Column("revealed", sa.Boolean, nullable=False, default=False),
    sa.Column("locked", sa.Boolean, nullable=False, default=False),
    sa.PrimaryKeyConstraint("workshop_id", "exercise_id"),
)

room_hidden = sa.Table(
    "room_hidden",
    metadata,
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("exercise_id", sa.String(160), nullable=False),
    sa.PrimaryKeyConstraint("workshop_id", "participant_id", "exercise_id"),
)

# Which kernel serves which participant's open page, so the server can shut down the kernels
# of pages a participant has left (coproduction_kit/server/app.py) instead of holding them until culled.
page_kernels = sa.Table(
    "page_kernels",
    metadata,
    sa.Column("kernel_id", sa.String(64), primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
)


# Anonymous answers (an exercise marked ``anonymous`` in the curriculum, such as the closing
# evaluation): kept with nothing that links them to a participant.  No participant, no time, and a
# random key; on SQLite the table has no rowid, so rows are kept in key order, not in the order
# they came (PostgreSQL's heap keeps arrival order, visible to its administrator only: SECURITY.md).
# A second table only says who has sent an answer to which exercise, so that no one sends twice;
# it holds no answer.
anonymous_answers = sa.Table(
    "anonymous_answers",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("exercise_id", sa.String(160), nullable=False),
    sa.Column("value", sa.Text, nullable=False),  # JSON
    sqlite_with_rowid=False,
)

anonymous_sent = sa.Table(
    "anonymous_sent",
    metadata,
    sa.Column("workshop_id", sa.String(40), nullable=False),
    sa.Column("participant_id", sa.Integer, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("exercise_id", sa.String(160), nullable=False),
    sa.PrimaryKeyConstraint("workshop_id", "participant_id", "exercise_id"),
)


class StoreError(Exception):
    """Something the participant or facilitator should be told in plain words."""


class PseudonymTaken(StoreError):
    pass


class AnswerTooLong(StoreError):
    pass


class PromptLocked(StoreError):
    pass


class SavingTooFast(StoreError):
    """Too many saves in a minute: ``retry_after`` says in how many seconds the next one is taken."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Participant:
    id: int
    workshop_id: str
    pseudonym: str
    review_id: str = ""


def _participant(row) -> Participant:
    return Participant(row.id, row.workshop_id, row.pseudonym, row.review_id)


def new_review_id() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "r" + "".join(secrets.choice(alphabet) for _ in range(7))


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


def now() -> datetime:
    return datetime.now(timezone.utc)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything here is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _answer(row) -> Answer:
    return Answer(
        module_id=row.module_id,
        exercise_id=row.exercise_id,
        value=json.loads(row.value) if row.value is not None else None,
        share=row.share,
        passed=bool(row.passed),
        revision=row.revision,
        saved_at=_utc(row.saved_at),
        submitted_value=json.loads(row.submitted_value) if row.submitted_value else None,
        submitted_share=row.submitted_share,
        submitted_at=_utc(row.submitted_at),
    )


def _sqlite_file(url: str) -> Path | None:
    """The database file an SQLite URL names (also as a ``file:…?mode=ro`` URI), or None in memory."""
    database = sa.engine.make_url(url).database
    if database in (None, "", ":memory:"):
        return None
    return Path(database.removeprefix("file:").split("?", 1)[0])


def _sqlite_engine(url: str) -> sa.Engine:
    database = _sqlite_file(url)
    memory = database is None
    if not memory and "mode=ro" not in url:
        # SQLite gives its -wal and -shm files the database file's mode: 0600 for all three.
        private_folder(database.parent)
        create_private_file(database)
    engine = sa.create_engine(
        url,
        connect_args={"timeout": 15, "check_same_thread": False},
        poolclass=StaticPool if memory else None,
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # We issue BEGIN ourselves (below), so that writers queue instead of deadlocking.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A deleted row (a withdrawn answer, a dropped revision) is overwritten with zeros, not
        # left in a free page of the file; the log is cut back after each checkpoint.
        cursor.execute("PRAGMA secure_delete=ON")
        if not memory:
            cursor.execute(f"PRAGMA journal_size_limit={_WAL_SIZE_LIMIT}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Writers take SQLite's write lock at once (they already queued on the writers' lock);
        # readers begin deferred, and in WAL mode never wait for a writer.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get(_WRITING) else "BEGIN")

    return engine


_WRITING = "workshop_writing"
_WAL_SIZE_LIMIT = 4 * 1024 * 1024


class _WritersLock:
    """One writer at a time across every process using this SQLite file.

    SQLite lets concurrent writers retry with growing sleeps, which made one save in a hundred
    wait a second when thirty kernels saved at once.  An ``flock`` on ``<store>.lock`` queues
    them instead, and the kernel wakes the next writer as soon as the lock is released.
    """

    def __init__(self, database: str | None):
        self._threads = threading.Lock()  # flock does not separate threads sharing one file
        self._path = f"{database}.lock" if database else None
        self._file = None

    @contextmanager
    def held(self):
        with self._threads:
            if self._path is None:
                yield
                return
            if self._file is None:
                self._file = open(create_private_file(self._path), "a+b")
            fcntl.flock(self._file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._file, fcntl.LOCK_UN)

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None


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
RATE_WINDOW = 60.0  # seconds


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


# Any constant will do: every kernel of every workshop takes the same lock to create the tables.
_SCHEMA_LOCK = 7_316_245


class Store:
    """Answers and participants of every workshop, behind a small interface."""

    def __init__(self, url: str, max_answer_chars: int = 20_000, max_revisions: int = 20,
                 max_saves_per_minute: int = 60):
        self.url = url
        self.max_answer_chars = max_answer_chars
        # The same defaults as WorkshopConfig's: a Store made without them still has the limits.
        self.max_revisions = max(1, max_revisions)
        self.max_saves_per_minute = max(1, max_saves_per_minute)
        if url.startswith("sqlite"):
            self.engine = _sqlite_engine(url)
            database = _sqlite_file(url)
            self._writers = _WritersLock(str(database) if database else None)
        else:
            # Each participant's kernel holds its own pool: keep it to one connection at rest.
            self.engine = sa.create_engine(url, pool_pre_ping=True, pool_size=1, max_overflow=4)
            self._writers = None  # PostgreSQL orders its own writers
        with self._write() as conn:
            if self.engine.dialect.name == "postgresql":
                # A room opening pages at once: one kernel creates the tables, the others wait.
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            metadata.create_all(conn)
            self._upgrade(conn)

    @staticmethod
    def _upgrade(conn) -> None:
        """Bring a store made by an earlier version of the kit up to date, keeping its data."""
        columns = {c["name"] for c in sa.inspect(conn).get_columns("participants")}
        if "review_id" not in columns:  # added with blind review
            conn.execute(sa.text("ALTER TABLE participants ADD COLUMN review_id VARCHAR(16)"))
            for (participant_id,) in conn.execute(sa.select(participants.c.id)).all():
                conn.execute(participants.update().where(participants.c.id == participant_id)
                             .values(review_id=new_review_id()))
        if "hub_user" not in columns:  # added with the JupyterHub configuration
            conn.execute(sa.text("ALTER TABLE participants ADD COLUMN hub_user VARCHAR(255)"))
        hub_user_index.create(conn, checkfirst=True)

    @contextmanager
    def _write(self):
        """A write transaction: committed at the end of the block, rolled back on error."""
        if self._writers is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._writers.held(), self.engine.connect() as conn:
            conn.info[_WRITING] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop(_WRITING, None)

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

    def close(self):
        self.engine.dispose()
        if self._writers is not None:
            self._writers.close()

    # Participants -------------------------------------------------------------------------
    def add_participant(
        self, workshop_id: str, pseudonym: str, hub_user: str | None = None
    ) -> tuple[Participant, str]:
        """Register a pseudonym; returns the participant and their secret token (shown once)."""
        pseudonym = validate_pseudonym(pseudonym)
        token = secrets.token_urlsafe(24)
        review_id = new_review_id()
        try:
            with self._write() as conn:
                result = conn.execute(
                    participants.insert().values(
                        workshop_id=workshop_id,
                        pseudonym=pseudonym,
                        pseudonym_key=pseudonym_key(pseudonym),
                        token_hash=hash_token(token),
                        review_id=review_id,
                        created_at=now(),
                        hub_user=hub_user,
                    )
                )
                participant_id = result.inserted_primary_key[0]
        except sa.exc.IntegrityError:
            raise PseudonymTaken(
                f"The pseudonym {pseudonym!r} is already in use in this workshop. "
                "Choose another, or open your own personal link to continue as that pseudonym."
            ) from None
        return Participant(participant_id, workshop_id, pseudonym, review_id), token

    def _find_participant(self, workshop_id: str, column: str, value: str) -> Participant | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(participants).where(
                participants.c.workshop_id == workshop_id, participants.c[column] == value
            )).first()
        return _participant(row) if row else None

    def participant_by_token(self, workshop_id: str, token: str | None) -> Participant | None:
        if not token:
            return None
        return self._find_participant(workshop_id, "token_hash", hash_token(token))

    def hub_participant(self, workshop_id: str, hub_user: str) -> Participant:
        """The participant who is this JupyterHub user, registered on their first visit.

        Their pseudonym is made from the username (``identity.hub_pseudonym``); if another
        participant already has it, a number is added (``sam-2``).  Two kernels of the same user
        starting at once end with the same participant.
        """
        if not hub_user:
            raise StoreError("A hub participant needs a hub username.")
        base = hub_pseudonym(hub_user)
        for attempt in range(1, 100):
            found = self._find_participant(workshop_id, "hub_user", hub_user)
            if found:
                return found
            suffix = "" if attempt == 1 else f"-{attempt}"
            try:
                return self.add_participant(
                    workshop_id, base[: PSEUDONYM_MAX - len(suffix)] + suffix, hub_user=hub_user
                )[0]
            except PseudonymTaken:  # the pseudonym is someone else's, or this user's other kernel won
                continue
        raise StoreError(f"No free pseudonym for the hub user {hub_user!r} after 99 tries.")

    def participant_by_review_id(self, workshop_id: str, review_id: str) -> Participant | None:
        return self._find_participant(workshop_id, "review_id", review_id)

    def participant_by_pseudonym(self, workshop_id: str, pseudonym: str) -> Participant | None:
        return self._find_participant(workshop_id, "pseudonym_key", pseudonym_key(pseudonym))

    # Answers ------------------------------------------------------------------------------
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
            if self._writers is None:
                conn.execute(_QUEUE_BEHIND_PARTICIPANT, params)
            self._count_save(conn, participant, saved_at)
            existing = conn.execute(_FIND_ANSWER, params).first()
            if self._locked(conn, participant.workshop_id, exercise_id):
                _refuse_on_locked_prompt(existing, encoded, share)
            revision = existing.revision + 1 if existing else 1
            conn.execute(_UPDATE_ANSWER if existing else _INSERT_ANSWER, {**params, "p_revision": revision})
            conn.execute(_KEEP_REVISION, {**params, "p_revision": revision})
            if revision > self.max_revisions:
                conn.execute(_DROP_OLD_REVISIONS, {**params, "p_oldest_kept": revision - self.max_revisions + 1})
        return Answer(module_id, exercise_id, value, share, passed, revision, saved_at)

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
        elapsed = (moment - _utc(row.window_start)).total_seconds()
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
        return _answer(row) if row else None

    def answers_for(self, participant: Participant, module_id: str | None = None) -> list[Answer]:
        query = sa.select(answers).where(
            answers.c.workshop_id == participant.workshop_id,
            answers.c.participant_id == participant.id,
        )
        if module_id is not None:
            query = query.where(answers.c.module_id == module_id)
        with self.engine.connect() as conn:
            return [_answer(r) for r in conn.execute(query.order_by(answers.c.exercise_id))]

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
                 "passed": bool(r.passed), "saved_at": _utc(r.saved_at)}
                for r in rows
            ]

    # Submissions --------------------------------------------------------------------------
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
        return {"submitted_at": _utc(row.submitted_at), "exchange_folder": row.exchange_folder,
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
                    "answer": json.loads(r.submitted_value), "saved_at": _utc(r.submitted_saved_at),
                    "submitted_at": _utc(r.submitted_at),
                }
                for r in conn.execute(query)
            ]

    # The room view ----------------------------------------------------------------------
    @staticmethod
    def _locked(conn, workshop_id: str, exercise_id: str) -> bool:
        return bool(conn.execute(
            sa.select(room_prompts.c.locked).where(
                room_prompts.c.workshop_id == workshop_id, room_prompts.c.exercise_id == exercise_id
            )
        ).scalar())

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

    # Forgetting ---------------------------------------------------------------------------
    # Pages' kernels --------------------------------------------------------------------------
    def open_page(self, participant: Participant, kernel_id: str) -> None:
        """Note that ``kernel_id`` now serves a page opened by ``participant``."""
        with self._write() as conn:
            conn.execute(page_kernels.delete().where(page_kernels.c.kernel_id == kernel_id))
            conn.execute(page_kernels.insert().values(
                kernel_id=kernel_id, workshop_id=participant.workshop_id,
                participant_id=participant.id, opened_at=now()))

    def pages_left(self, workshop_id: str, grace: float = 30.0, among: set[str] | None = None) -> list[str]:
        """Kernels of pages whose participant has since opened another page (only those ``among``).

        A page opened less than ``grace`` seconds ago is never listed: it may still be loading.
        """
        newest = (sa.select(page_kernels.c.participant_id, sa.func.max(page_kernels.c.opened_at).label("newest"))
                  .where(page_kernels.c.workshop_id == workshop_id)
                  .group_by(page_kernels.c.participant_id).subquery())
        query = (sa.select(page_kernels.c.kernel_id, page_kernels.c.opened_at)
                 .join(newest, newest.c.participant_id == page_kernels.c.participant_id)
                 .where(page_kernels.c.workshop_id == workshop_id, page_kernels.c.opened_at < newest.c.newest))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        moment = now()
        return [kernel_id for kernel_id, opened in rows
                if (moment - _utc(opened)).total_seconds() >= grace and (among is None or kernel_id in among)]

    def page_kernel_ids(self, workshop_id: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(page_kernels.c.kernel_id)
                                     .where(page_kernels.c.workshop_id == workshop_id)).scalars())

    def close_pages(self, kernel_ids: list[str]) -> None:
        if kernel_ids:
            with self._write() as conn:
                conn.execute(page_kernels.delete().where(page_kernels.c.kernel_id.in_(kernel_ids)))

    def delete_participant(self, participant: Participant) -> dict[str, int]:
        """Remove a participant and everything they wrote; returns how many records went."""
        removed = {}
        with self._write() as conn:
            for table in (answer_revisions, answers, submissions, room_hidden, page_kernels, save_rate,
                          anonymous_sent):
                result = conn.execute(table.delete().where(
                    table.c.workshop_id == participant.workshop_id,
                    table.c.participant_id == participant.id,
                ))
                removed[table.name] = result.rowcount
            conn.execute(participants.delete().where(participants.c.id == participant.id))
        self.scrub()
        return removed

    def delete_workshop(self, workshop_id: str) -> dict[str, int]:
        """Remove every record of one workshop."""
        removed = {}
        with self._write() as conn:
            for table in (answer_revisions, answers, submissions, room_hidden, room_prompts, page_kernels,
                          save_rate, exports_written, anonymous_sent, anonymous_answers, participants):
                removed[table.name] = conn.execute(table.delete().where(table.c.workshop_id == workshop_id)).rowcount
        self.scrub()
        return removed

    def scrub(self) -> bool:
        """Leave no deleted text in the store's files; True when nothing is left behind.

        SQLite has already overwritten the deleted rows in the database file (secure_delete);
        the write-ahead log still holds the pages as they were, so it is written back into the
        file and cut to nothing.  A page that is reading at this moment can hold the log open:
        then it is tried again, up to a few seconds.  On PostgreSQL, deleted rows stay in the
        table files until VACUUM (FULL) runs, which needs the database owner: see README.md.
        """
        if self.engine.dialect.name != "sqlite" or _sqlite_file(self.url) is None:
            return True
        import time

        deadline = time.monotonic() + 5
        with self._writers.held(), self.engine.connect() as conn:
            raw = conn.connection.driver_connection  # no transaction around a checkpoint
            while True:
                busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy or time.monotonic() > deadline:
                    return not busy
                time.sleep(0.1)

    # Exports and reports --------------------------------------------------------------------
    def remember_export(self, workshop_id: str, path: str | Path, kind: str) -> None:
        """Note that an export (``kind`` "export", a CSV) or report ("report", a folder) holds answers."""
        path = str(Path(path).resolve())
        with self._write() as conn:
            conn.execute(exports_written.delete().where(exports_written.c.path == path))
            conn.execute(exports_written.insert().values(path=path, workshop_id=workshop_id, kind=kind,
                                                         written_at=now()))

    def exports_of(self, workshop_id: str) -> list[tuple[Path, str]]:
        """(path, kind) of every export and report written for this workshop, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(exports_written.c.path, exports_written.c.kind)
                                .where(exports_written.c.workshop_id == workshop_id)
                                .order_by(exports_written.c.written_at)).all()
        return [(Path(path), kind) for path, kind in rows]

    def forget_exports(self, workshop_id: str, paths: list[Path] | None = None) -> None:
        """Stop tracking these exports (all of the workshop's with ``paths=None``)."""
        with self._write() as conn:
            query = exports_written.delete().where(exports_written.c.workshop_id == workshop_id)
            if paths is not None:
                query = query.where(exports_written.c.path.in_([str(Path(p).resolve()) for p in paths]))
            conn.execute(query)

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

    # Anonymous answers ----------------------------------------------------------------------
    def send_anonymously(self, participant: Participant, module_id: str, exercise_id: str, value) -> None:
        """Keep ``value`` with no link to ``participant``, and remove their draft and its revisions.

        From then on the store knows only that this participant has sent an answer to this
        exercise, not which one; so it can be neither changed nor withdrawn.  On SQLite the draft
        leaves no bytes in the store's files either (secure_delete, then ``scrub``).
        """
        if value in (None, "", [], {}):
            raise StoreError("There is nothing to send yet: answer first, or leave it.")
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
                value=encoded))
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

    # Upkeep ---------------------------------------------------------------------------------
    def refresh_pseudonym_keys(self) -> int:
        """Bring each participant's ``pseudonym_key`` up to today's rule (look-alikes are one name).

        Run once when a workshop is served, not in every kernel.  Two participants whose names an
        earlier rule let both in keep their own keys; returns how many keys changed.
        """
        changed = 0
        with self._write() as conn:
            rows = conn.execute(sa.select(participants.c.id, participants.c.workshop_id,
                                          participants.c.pseudonym, participants.c.pseudonym_key)).all()
            taken = {(r.workshop_id, r.pseudonym_key) for r in rows}
            for row in rows:
                key = pseudonym_key(row.pseudonym)
                if key == row.pseudonym_key or (row.workshop_id, key) in taken:
                    continue
                conn.execute(participants.update().where(participants.c.id == row.id).values(pseudonym_key=key))
                taken.discard((row.workshop_id, row.pseudonym_key))
                taken.add((row.workshop_id, key))
                changed += 1
        return changed
