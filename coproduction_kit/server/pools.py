"""Kernel pools that follow the room: today's next page is ready before the room moves to it.

A workshop opens with everyone following the same link in the same minute.  Started on demand,
thirty kernels queue on a laptop's two cores and the last page answers after half a minute.
Voilà can keep a pool of kernels that have already run a page (``preheat_kernel``; the page
then waits for its request, see ``coproduction_kit.widgets.session``), but one pool the size of the room for
every module would hold several gigabytes that nobody uses.

So the pools follow the day's plan (``RoomPlan``): the first page of the day has a pool the size
of the room.  Once a page is opened, it keeps only a small reserve (for latecomers and reloads)
instead of refilling while the room arrives; once a third of the room is there, the next page of
the day starts filling to the size of the room, and pages the room has left give their pooled
kernels back.  Modules not on today's plan are
started on demand.

With no plan named (plain ``workshop serve``), the pools follow what the server learns from the
start page instead (``room_sense.RoomSense``, applied by ``SenseTheRoom``): the likely next page
fills for the people present as they join, and pages nobody is on shrink to a small reserve.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import voila.app


@dataclass
class RoomPlan:
    """Today's pages in order (notebook file names), how many people, and how big a reserve."""

    pages: list[str] = field(default_factory=list)
    room: int = 30
    reserve: int = 2
    # Seconds between the room reaching a page and the next page's pool starting to fill: by
    # then the room's pages are up and the kernels of the page it left are given back (after
    # the server's page grace), so the two never add up.
    next_page_delay: float = 30.0
    # Seconds without a kernel taken from a page's pool before it is refilled: Voilà refills a
    # second after every kernel taken, which runs the reserve's notebooks on the server while it
    # may still be answering a hall.
    refill_quiet: float = 5.0

    @property
    def quorum(self) -> int:
        """Arrivals on a page that mean the room has moved there: a third of it."""
        return max(1, self.room // 3)

    def initial_pools(self) -> dict:
        """Voilà's ``kernel_pools_config`` at start: the first page ready for the whole room."""
        if not self.pages:
            return {"default": {"pool_size": self.reserve}}
        return {"default": {"pool_size": 0}, self.pages[0]: {"pool_size": self.room}}


class FollowTheRoom:
    """Mixed into Voilà's pooled kernel manager; ``plan`` is set on the combined class."""

    plan: RoomPlan = RoomPlan()

    async def get_rendered_notebook(self, notebook_name: str, *args, **kwargs):
        self._arrived(notebook_name)
        return await super().get_rendered_notebook(notebook_name, *args, **kwargs)

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs) -> None:
        """Voilà's refill after a kernel is taken (``delay`` None) waits until the page has had no
        request for ``plan.refill_quiet`` seconds; every other fill goes ahead as asked."""
        if delay is not None:
            return super().fill_if_needed(delay=delay, notebook_name=notebook_name, **kwargs)
        waiting = self.__dict__.setdefault("_refills", {})
        if notebook_name in waiting:
            waiting.pop(notebook_name).cancel()

        def refill():
            waiting.pop(notebook_name, None)
            super(FollowTheRoom, self).fill_if_needed(delay=0, notebook_name=notebook_name, **kwargs)

        waiting[notebook_name] = asyncio.get_event_loop().call_later(self.plan.refill_quiet, refill)

    def _arrived(self, page: str) -> None:
        """Someone took a pooled kernel for ``page``: move the pools along once the room has come."""
        plan = self.plan
        if page not in plan.pages:
            return
        arrivals = self.__dict__.setdefault("_arrivals", Counter())
        arrivals[page] += 1
        if arrivals[page] == 1:
            # No refill beyond the reserve: refilling while the room arrives would compete with it.
            self._set_pool(page, plan.reserve)
        if arrivals[page] != plan.quorum:
            return  # one person clicking ahead does not move the room
        index = plan.pages.index(page)
        self.log.info("The room reached %s: keeping a reserve of %d there", page, plan.reserve)
        for earlier in plan.pages[:index]:
            self._set_pool(earlier, 0)
            asyncio.ensure_future(self._drain(earlier))
        if index + 1 < len(plan.pages):
            following = plan.pages[index + 1]
            self.log.info("Filling %s for %d in %.0f s", following, plan.room, plan.next_page_delay)
            self._set_pool(following, plan.room)
            self.fill_if_needed(delay=plan.next_page_delay, notebook_name=following)

    def _set_pool(self, page: str, size: int) -> None:
        pools = dict(self.kernel_pools_config)
        pools[page] = {**pools.get(page, {}), "pool_size": size}
        self.kernel_pools_config = pools

    async def _drain(self, page: str, keep: int = 0) -> None:
        """Shut down the kernels still pooled for a page the room has left (all but ``keep``)."""
        pool = self._pools.get(page, [])
        while len(pool) > keep:
            task = pool.pop()
            try:
                kernel_id = (await task)["kernel_id"]
                await self.shutdown_kernel(kernel_id)
            except Exception:  # a kernel that failed to start, or is already gone
                self.log.debug("Could not drain a pooled kernel of %s", page, exc_info=True)


class SenseTheRoom:
    """Mixed into Voilà's pooled kernel manager: pool sizes follow ``sense`` (a ``RoomSense``).

    The start page calls ``participant_joined``, a module page ``page_opened``, and the server's
    sweep ``follow_the_room``; each brings the pools to the sizes the sense gives now.
    """

    sense = None  # set on the combined class; None when a plan is named

    def participant_joined(self, participant_id: int, finished: set[str]) -> None:
        if self.sense is not None:
            self.sense.joined(participant_id, {f"{m}.ipynb" for m in finished})
            self.follow_the_room()

    def page_opened(self, page: str, participant_id: int) -> None:
        if self.sense is not None:
            self.sense.opened(participant_id, page)
            self.follow_the_room()

    def follow_the_room(self) -> None:
        """Grow the pools that should be bigger; shrink the others (never a page being opened)."""
        sense = self.sense
        if sense is None:
            return
        busy, room, wait = sense.busy(), sense.room_page(), sense.fill_delay()
        for page, size in sense.targets().items():
            pool = self._pools.get(page, [])
            if size > len(pool) and page != room and wait > 0:
                self._follow_again(wait)  # the room's page first; this one when it has settled
                continue
            before = self.kernel_pools_config.get(page, {}).get("pool_size")
            self._set_pool(page, size)
            if size > len(pool):
                if size != before:
                    self.log.info("Making %s ready for %d", page, size)
                self.fill_if_needed(delay=0, notebook_name=page)
            elif size < len(pool) and page not in busy:
                asyncio.ensure_future(self._drain(page, keep=size))


    def _follow_again(self, seconds: float) -> None:
        """Call ``follow_the_room`` again in ``seconds``: one call pending, the soonest asked for."""
        loop = asyncio.get_event_loop()
        pending = getattr(self, "_again", None)
        if pending is not None and pending.when() <= loop.time() + seconds:
            return
        if pending is not None:
            pending.cancel()

        def again():
            self._again = None
            self.follow_the_room()

        self._again = loop.call_later(seconds, again)


def with_room_plan(plan: RoomPlan, sense=None):
    """Voilà's kernel-manager factory, wrapped so that its pooled manager follows ``plan``
    (or, with no pages in the plan, ``sense``: what the start page learns of the room).

    Every kernel it starts, pooled or not, also gets its own key (``kernel_keys.py``), and its
    activity is noted without parsing every message in full (``activity.py``).
    """
    from coproduction_kit.server.activity import with_light_activity
    from coproduction_kit.server.kernel_keys import with_kernel_keys

    original = voila.app.voila_kernel_manager_factory

    def factory(base_class, *args, **kwargs):
        manager = original(with_light_activity(with_kernel_keys(base_class)), *args, **kwargs)
        if not hasattr(manager, "fill_if_needed"):  # preheating is off: nothing to follow
            return manager
        return type("WorkshopKernelManager", (SenseTheRoom, FollowTheRoom, manager),
                    {"plan": plan, "sense": sense})

    return original, factory


class PageRetirement:
    """Shuts down the kernels of pages their participant has left, a sweep at a time.

    A page is left when its participant has opened another page since (``Store.pages_left``)
    and no browser is connected to its kernel any more: the room moved on, and a tab still open
    on another device keeps its kernel.  Only this server's kernels are touched, and the store
    forgets a page once this server's kernel for it is gone, however it went.
    """

    def __init__(self, kernel_manager, store, workshop_id: str, log, grace: float = 20.0):
        self.kernel_manager, self.store, self.workshop_id, self.log, self.grace = (
            kernel_manager, store, workshop_id, log, grace)
        self._known: set[str] = set()

    async def sweep(self) -> list[str]:
        """One sweep; returns the ids of the kernels shut down."""
        manager = self.kernel_manager
        mine = set(manager.list_kernel_ids())
        connections = getattr(manager, "_kernel_connections", {})  # jupyter_server's own count
        retired = []
        for kernel_id in self.store.pages_left(self.workshop_id, grace=self.grace, among=mine):
            if connections.get(kernel_id, 0) == 0:
                try:
                    await manager.shutdown_kernel(kernel_id)
                except Exception:
                    self.log.warning("Could not shut down the kernel of a page left", exc_info=True)
                    continue
                retired.append(kernel_id)
        self.store.close_pages(sorted((self._known - mine) | set(retired)))
        self._known = mine - set(retired)
        if retired:
            self.log.info("Shut down %d kernel(s) of pages their participants have left", len(retired))
        return retired
