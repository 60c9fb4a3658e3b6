"""How the store reaches its database: engines, SQLite's settings, and the writers' queue.

SQLite (WAL mode) is the embedded default; a cohort points it at PostgreSQL
(``postgresql+psycopg://…``, tested with psycopg 3).  SQLite's writers queue on an ``flock``
and then take the write lock at once (``BEGIN IMMEDIATE``); PostgreSQL orders its own writers
(``Store.save_answer`` queues one participant's saves on their row).
"""

from __future__ import annotations

import fcntl
import threading
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from coproduction_kit.core.private_files import create_private_file, private_folder

WRITING = "workshop_writing"  # set on a connection's info while it writes (SQLite: BEGIN IMMEDIATE)
WAL_SIZE_LIMIT = 4 * 1024 * 1024


def sqlite_file(url: str) -> Path | None:
    """The database file an SQLite URL names (also as a ``file:…?mode=ro`` URI), or None in memory."""
    database = sa.engine.make_url(url).database
    if database in (None, "", ":memory:"):
        return None
    return Path(database.removeprefix("file:").split("?", 1)[0])


def sqlite_engine(url: str) -> sa.Engine:
    database = sqlite_file(url)
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
            cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Writers take SQLite's write lock at once (they already queued on the writers' lock);
        # readers begin deferred, and in WAL mode never wait for a writer.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.info.get(WRITING) else "BEGIN")

    return engine


class WritersLock:
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


class Connected:
    """The engine and the writers' queue of one store; ``Store`` and ``migrate`` both write through it."""

    def __init__(self, url: str):
        self.url = url
        if url.startswith("sqlite"):
            self.engine = sqlite_engine(url)
            database = sqlite_file(url)
            self._writers = WritersLock(str(database) if database else None)
        else:
            # Each participant's kernel holds its own pool: keep it to one connection at rest.
            self.engine = sa.create_engine(url, pool_pre_ping=True, pool_size=1, max_overflow=4)
            self._writers = None  # PostgreSQL orders its own writers

    @contextmanager
    def _write(self):
        """A write transaction: committed at the end of the block, rolled back on error."""
        if self._writers is None:
            with self.engine.begin() as conn:
                yield conn
            return
        # The connection is taken before joining the queue and given back after leaving it: the
        # writers' lock is held only for the transaction itself.
        with self.engine.connect() as conn, self._writers.held():
            conn.info[WRITING] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop(WRITING, None)

    def close(self):
        self.engine.dispose()
        if self._writers is not None:
            self._writers.close()
