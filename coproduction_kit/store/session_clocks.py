"""The sessions' clocks (``core/session_clock.py``): one row per workshop and session, shared by every
facilitator's device.

Only the facilitators' views read or write them (the session plan and timers, the projector); a
participant's page has no call that reaches them, and the hub's workshop service none either.  An
action is applied inside one write transaction, to the row as it is then (SQLite's writers queue;
PostgreSQL's row is locked ``FOR UPDATE``), so actions from two devices at the same moment are
applied one after the other and none is lost.  ``workshop forget`` removes them with the rest.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from coproduction_kit.core.session_clock import ClockState, apply
from coproduction_kit.store.records import now as utc_now
from coproduction_kit.store.schema import session_clocks


def _state(row) -> ClockState:
    return ClockState.from_row(row.segment, row.running, row.since, json.loads(row.spent), json.loads(row.extra),
                               row.changed_at)


def _where(workshop_id: str, format_id: str, number: int) -> list:
    return [session_clocks.c.workshop_id == workshop_id, session_clocks.c.format_id == format_id,
            session_clocks.c.session_number == number]


class SessionClocks:
    """The sessions' clocks' part of ``Store``."""

    def session_clock(self, workshop_id: str, format_id: str, number: int) -> ClockState:
        """The clock of one session (a clock at its first segment, paused, if no one touched it yet)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(session_clocks).where(*_where(workshop_id, format_id, number))).first()
        return _state(row) if row else ClockState()

    def latest_session_clock(self, workshop_id: str) -> tuple[str, int, ClockState] | None:
        """(format id, session number, clock) of the session a facilitator acted on last, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(session_clocks).where(session_clocks.c.workshop_id == workshop_id)
                               .order_by(session_clocks.c.changed_at.desc()).limit(1)).first()
        return (row.format_id, row.session_number, _state(row)) if row else None

    def act_on_session_clock(self, workshop_id: str, format_id: str, number: int, action: str, *,
                             segment: int = 0, minutes: int = 0, count: int = 1,
                             now: datetime | None = None) -> ClockState:
        """Apply one facilitator's ``action`` (``core.session_clock.apply``) to the clock as it is now."""
        where = _where(workshop_id, format_id, number)
        self._make_clock_row(workshop_id, format_id, number)
        with self._write() as conn:
            row = conn.execute(sa.select(session_clocks).where(*where).with_for_update()).first()
            state = apply(_state(row), action, now or utc_now(), segment=segment, minutes=minutes, count=count)
            values = state.as_row()
            values["spent"], values["extra"] = json.dumps(values["spent"]), json.dumps(values["extra"])
            conn.execute(session_clocks.update().where(*where).values(**values))
        return state

    def _make_clock_row(self, workshop_id: str, format_id: str, number: int) -> None:
        """The session's row, made at its first action (two devices making it at once make one)."""
        try:
            with self._write() as conn:
                if conn.execute(sa.select(session_clocks.c.segment).where(
                        *_where(workshop_id, format_id, number))).first() is None:
                    conn.execute(session_clocks.insert().values(
                        workshop_id=workshop_id, format_id=format_id, session_number=number, segment=0,
                        running=False, since=None, spent="{}", extra="{}", changed_at=utc_now()))
        except sa.exc.IntegrityError:
            pass  # PostgreSQL: the other device's row came first; the action goes to it
