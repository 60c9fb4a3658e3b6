"""What the server learns about the room from the start page, and which page it makes ready.

Every participant passes the start page before any module, so with no session named
(plain ``workshop serve``) the server still knows who is here and what they have done.  From
that this policy says, at any moment, how many preheated kernels each module page should have:

- **who is present**: participants seen on the start page or on a module page in the last
  ``window`` seconds;
- **the likely next page**: once the room has reached a page (a third of those present opened
  it), the next page in the series' order; before that, the page at least two of the first
  arrivals opened (one person clicking ahead moves nothing); otherwise the first module in the
  series' order that most of those present have not finished yet (their progress in the store);
- **how many**: the likely page gets a kernel for everyone present who is not on it yet (never
  fewer than the reserve, never more than ``most``); the page the room is on keeps what it has
  left for those still arriving, then the reserve (latecomers, reloads); every other page
  shrinks to ``idle_reserve``;
- **when**: the next page starts filling once the room's page has settled (everyone present has
  opened it, or ``settle`` seconds have passed), so the room's own pages come first; and once the
  kernels of the page the room left have been given back, so memory holds two pages, not three.

How many people it makes a page ready for is not capped by ``--room``: the room is what the
joins say, up to what this machine's memory can hold (``people_memory_allows``: the memory
available when the server starts, a quarter kept free, two pages' kernels per person at most).

It holds no kernels and knows nothing of Voilà: ``pools.SenseTheRoom`` applies its sizes.
Only participant ids (numbers) and page names are kept, in memory, for the server's life.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# What one page's kernel may cost, in MB, with room for what its page holds as people type: a
# kernel forked from the warm parent measured 33–37 MB PSS with its page built, 46 MB started
# alone (BENCHMARKS.md, "Kernels").
KERNEL_MB = 45
KEEP_FREE = 0.25  # of the memory available at start: the server, the facilitators, the laptop's own use


def available_mb(meminfo: Path = Path("/proc/meminfo")) -> float | None:
    """The memory the kernel says can be given to new work (``MemAvailable``), in MB; None if unknown."""
    try:
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def kernels_memory_allows(available: float | None, kernel_mb: float = KERNEL_MB,
                          keep_free: float = KEEP_FREE) -> int | None:
    """Page kernels that fit in ``available`` MB with ``keep_free`` of it left over (None: unknown)."""
    if available is None:
        return None
    return max(0, int(available * (1 - keep_free) // kernel_mb))


def people_memory_allows(kernels: int) -> int:
    """People a room can be made ready for with ``kernels`` kernels: each may hold the page they
    are on and the next page's kernel waiting for them."""
    return kernels // 2


def room_bounds(room: int, max_kernels: int | None, available: float | None) -> tuple[int, int]:
    """(kernels open at once on the server, people a page is made ready for).

    Without ``--max-kernels``, the server holds what memory allows and never fewer than 60 or two
    per person of ``--room``; the room grows past ``--room`` with the joins, up to half of that.
    """
    total = max_kernels if max_kernels is not None else max(60, 2 * room, kernels_memory_allows(available) or 0)
    return total, max(room, people_memory_allows(total))


@dataclass
class RoomSense:
    """The room as the start page sees it; ``order`` is the module pages in the series' order."""

    order: list[str]
    reserve: int = 2
    idle_reserve: int = 1
    most: int = 30
    window: float = 900.0
    # Seconds after the room reached a page before the next one starts filling: the room's own
    # pages come first on two cores (the same wait as ``RoomPlan.next_page_delay``) ...
    settle: float = 30.0
    # ... or, sooner, this long after the last of those present has opened it ...
    pause: float = 2.0
    # ... but, when the room came from another page, not before the server has given back that
    # page's kernels (its page grace and a sweep, ``pools.PageRetirement``): two rooms' worth of
    # kernels and a third page filling never add up.
    give_back: float = 25.0
    clock: object = time.monotonic
    _seen: dict[int, float] = field(default_factory=dict)
    _next_of: dict[int, str | None] = field(default_factory=dict)
    _openers: dict[str, set[int]] = field(default_factory=dict)
    _reached: list[tuple[str, float]] = field(default_factory=list)
    _last_open: dict[str, float] = field(default_factory=dict)

    # What happens ------------------------------------------------------------------------
    def joined(self, participant_id: int, finished: set[str] = frozenset()) -> None:
        """A participant is on the start page; ``finished`` are the pages they have done."""
        self._seen[participant_id] = self.clock()
        self._next_of[participant_id] = next((p for p in self.order if p not in finished), None)

    def opened(self, participant_id: int, page: str) -> None:
        """A participant opened a module page."""
        self._seen[participant_id] = self.clock()
        if page not in self.order:
            return
        openers = self._openers.setdefault(page, set())
        openers.add(participant_id)
        self._last_open[page] = self.clock()
        if self.room_page() != page and len(openers & self.present()) >= self.quorum():
            self._reached.append((page, self.clock()))

    # What it concludes -------------------------------------------------------------------
    def present(self) -> set[int]:
        since = self.clock() - self.window
        return {pid for pid, seen in self._seen.items() if seen >= since}

    def quorum(self) -> int:
        """Arrivals on a page that mean the room has moved there: a third of those present."""
        return max(1, len(self.present()) // 3)

    def room_page(self) -> str | None:
        return self._reached[-1][0] if self._reached else None

    def likely_next(self) -> str | None:
        """The page the room will open next (None: the series is over for this room)."""
        room = self.room_page()
        if room is not None:
            index = self.order.index(room)
            return self.order[index + 1] if index + 1 < len(self.order) else None
        present = self.present()
        early = Counter({page: len(who & present) for page, who in self._openers.items()})
        if early:
            page, count = min(early.items(), key=lambda item: (-item[1], self.order.index(item[0])))
            if count >= 2:
                return page
        votes = Counter(self._next_of.get(pid) for pid in present)
        votes.pop(None, None)
        if not votes:
            return self.order[0] if self.order and not present else None
        return min(votes.items(), key=lambda item: (-item[1], self.order.index(item[0])))[0]

    def waiting_for(self, page: str) -> int:
        """People present who have not opened ``page`` yet."""
        return len(self.present() - self._openers.get(page, set()))

    def targets(self) -> dict[str, int]:
        """Preheated kernels each page should have now."""
        sizes = {page: self.idle_reserve for page in self.order}
        room, likely = self.room_page(), self.likely_next()
        if room is not None:
            sizes[room] = min(self.most, max(self.reserve, self.waiting_for(room)))
        if likely is not None:
            sizes[likely] = min(self.most, max(self.reserve, self.waiting_for(likely)))
        return sizes

    def busy(self) -> set[str]:
        """Pages people are opening now: their pools are never drained under them."""
        return {page for page in (self.room_page(), self.likely_next()) if page is not None}

    def fill_delay(self) -> float:
        """Seconds to wait before the next page fills: the page the room just reached comes first,
        until everyone present has opened it (and a short pause) or ``settle`` has passed."""
        if not self._reached:
            return 0.0
        page, reached = self._reached[-1]
        ready = reached + self.settle
        if self.waiting_for(page) == 0:
            ready = min(ready, self._last_open[page] + self.pause)
        if len(self._reached) > 1:  # the room left a page: its kernels go back first
            ready = max(ready, self._last_open[page] + self.give_back)
        return max(0.0, ready - self.clock())
