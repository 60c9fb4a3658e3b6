"""One session's clock, shared by every facilitator's device: its arithmetic, with no store and no widget.

A session runs its segments (check-in, module, break, debrief) one at a time.  The clock keeps
what is needed to say how much time is left at any moment, without anything counting in a
kernel: the current segment, whether it runs, *since when* it runs, the seconds each segment
had already used before that, and the seconds added to each ("5 more minutes").  The time left
is worked out from those and the time now, so a restarted server or a reloaded phone shows the
same figure as the device that pressed Start.

Each change is an *intent* that can be applied twice without harm, so two facilitators acting at
once converge (``store.session_clocks`` applies them one after the other):

- ``start`` and ``pause`` set the clock running or paused (pressing Start on two phones starts
  it once; the last of a Start and a Pause wins);
- ``extend`` adds its minutes to what the segment already had: two "5 more minutes" are ten;
- ``next`` names the segment it moves on from, so two phones pressing Next on the same segment
  move on once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone


def utc(moment: datetime | None) -> datetime | None:
    """``moment`` as an aware UTC time (a database may give a naive one back; the store's are UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class ClockState:
    """Where a session's clock stands; every method returns a new state."""

    segment: int = 0
    running: bool = False
    since: datetime | None = None  # when the current stretch of running began (UTC); None when paused
    spent: dict[int, float] = field(default_factory=dict)  # seconds used per segment before ``since``
    extra: dict[int, int] = field(default_factory=dict)  # seconds added per segment
    changed_at: datetime | None = None  # the last action, by anyone (None: never touched)

    # Reading ---------------------------------------------------------------------------------------

    def spent_in(self, segment: int, now: datetime) -> float:
        """Seconds ``segment`` has used by ``now``."""
        spent = self.spent.get(segment, 0.0)
        if self.running and segment == self.segment and self.since is not None:
            spent += max(0.0, (utc(now) - utc(self.since)).total_seconds())
        return spent

    def planned(self, segment: int, minutes: list[int]) -> int:
        """Seconds ``segment`` has: its planned minutes and what was added."""
        return minutes[segment] * 60 + self.extra.get(segment, 0)

    def left(self, minutes: list[int], now: datetime) -> float:
        """Seconds left in the current segment (below zero once it runs over)."""
        return self.planned(self.segment, minutes) - self.spent_in(self.segment, now)

    def within(self, count: int) -> "ClockState":
        """The state for a session of ``count`` segments (the curriculum changed since: the last one)."""
        return self if self.segment < count else replace(self, segment=max(0, count - 1))

    # Acting ----------------------------------------------------------------------------------------

    def _bank(self, now: datetime) -> dict[int, float]:
        """``spent`` with the running stretch added to the current segment."""
        return {**self.spent, self.segment: self.spent_in(self.segment, now)}

    def start(self, now: datetime) -> "ClockState":
        if self.running:
            return replace(self, changed_at=now)
        return replace(self, running=True, since=now, changed_at=now)

    def pause(self, now: datetime) -> "ClockState":
        if not self.running:
            return replace(self, changed_at=now)
        return replace(self, running=False, since=None, spent=self._bank(now), changed_at=now)

    def extend(self, segment: int, seconds: int, now: datetime) -> "ClockState":
        extra = {**self.extra, segment: self.extra.get(segment, 0) + seconds}
        return replace(self, extra=extra, changed_at=now)

    def next(self, from_segment: int, count: int, now: datetime) -> "ClockState":
        """Move on from ``from_segment`` (nothing if someone already did); after the last, pause."""
        if from_segment != self.segment:
            return replace(self, changed_at=now)
        if self.segment >= count - 1:
            return replace(self.pause(now), changed_at=now)
        return replace(self, segment=self.segment + 1, spent=self._bank(now),
                       since=now if self.running else None, changed_at=now)

    # Kept as data ----------------------------------------------------------------------------------

    def as_row(self) -> dict:
        """The state as the store keeps it (JSON keys are strings)."""
        return {"segment": self.segment, "running": self.running, "since": self.since,
                "spent": {str(k): v for k, v in self.spent.items()},
                "extra": {str(k): v for k, v in self.extra.items()}, "changed_at": self.changed_at}

    @classmethod
    def from_row(cls, segment: int, running: bool, since, spent: dict, extra: dict, changed_at) -> "ClockState":
        return cls(segment=segment, running=bool(running), since=utc(since),
                   spent={int(k): float(v) for k, v in spent.items()},
                   extra={int(k): int(v) for k, v in extra.items()}, changed_at=utc(changed_at))


ACTIONS = ("start", "pause", "extend", "next")


def apply(state: ClockState, action: str, now: datetime, *, segment: int = 0, minutes: int = 0,
          count: int = 1) -> ClockState:
    """``state`` after one facilitator's ``action`` at ``now`` (by name, as the store receives it)."""
    if action == "start":
        return state.start(now)
    if action == "pause":
        return state.pause(now)
    if action == "extend":
        return state.extend(segment, minutes * 60, now)
    if action == "next":
        return state.next(segment, count, now)
    raise ValueError(f"unknown action {action!r} for a session's clock (one of {', '.join(ACTIONS)})")


def mmss(seconds: float) -> str:
    """Seconds as the clock shows them: ``13:30``, ``-1:00`` once over."""
    seconds = int(round(seconds))
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"
