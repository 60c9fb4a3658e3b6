"""Deleting: a participant who withdraws, a workshop forgotten, and the exports to rebuild or remove.

On SQLite, deleted rows are overwritten (``PRAGMA secure_delete``) and ``scrub`` empties the
write-ahead log, so a withdrawn answer leaves no bytes in the store's files; on PostgreSQL,
deleted rows stay in the table files until the database is vacuumed (``VACUUM FULL`` rewrites
them; backups keep theirs until they expire).  Every export and report the kit wrote is
remembered, so that a withdrawal can rebuild each without the participant and ``workshop
forget`` can remove them.
"""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa

from coproduction_kit.store.engine import sqlite_file
from coproduction_kit.store.records import Participant, now
from coproduction_kit.store.schema import (anonymous_answers, anonymous_sent, answer_revisions, answers,
                                           exports_written, page_kernels, participants, programme_figures,
                                           room_hidden, room_prompts, save_rate, session_clocks, submissions)


class Deletion:
    """The deleting part of ``Store``."""

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
                          save_rate, exports_written, anonymous_sent, anonymous_answers, programme_figures,
                          session_clocks, participants):
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
        if self.engine.dialect.name != "sqlite" or sqlite_file(self.url) is None:
            return True
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
