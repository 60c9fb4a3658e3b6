"""Who may open a module page's kernel: the participant whose page request started or took it.

A kernel runs one participant's page, and its id used to be a key to it: anyone holding the id
could read and change the answers through ``/api/kernels/<id>/channels`` or shut the kernel
down.  Here the server itself notes the owner when a page request starts a kernel or takes one
from a pool (``KernelOwners.record``), never trusting anything the kernel says, and the kernel
routes answer only to the browser carrying that participant's cookie:

- a module page with no participant is sent to the start page before any kernel is started;
- each participant may hold a few kernels, and the server a set number (``KernelCaps``); past a
  cap, the page says so plainly instead of starting another;
- ``/api/kernels/<id>`` answers only GET, to the owner; nobody may delete, interrupt or restart;
- ``/api/kernels/<id>/channels`` and ``/voila/api/shutdown/<id>`` accept only the owner.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.handlers import KernelHandler
from tornado import web
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from coproduction_kit.core.identity import PARTICIPANT_COOKIE

# A page's browser connects to its kernel within a second or two of the page arriving; one
# still unconnected this many seconds after its page was sent was closed or left.
SETTLE_SECONDS = 5.0


@dataclass
class KernelCaps:
    """How many kernels one participant, and the whole server, may hold at once."""

    per_participant: int = 3
    total: int = 60


class KernelOwners:
    """Which participant each module-page kernel belongs to, as noted by the server."""

    def __init__(self, kernel_manager, store, workshop_id: str, caps: KernelCaps):
        self.kernel_manager, self.store, self.workshop_id, self.caps = kernel_manager, store, workshop_id, caps
        self._owner: dict[str, int] = {}
        self._sent: dict[str, float] = {}  # when the kernel's page finished arriving
        # Page requests admitted whose kernel is still starting: they count against the caps,
        # or a burst of requests would all pass before the first kernel is noted.
        self._starting: Counter[int] = Counter()

    def participant(self, handler):
        """The participant whose cookie this request carries, or None."""
        token = handler.get_cookie(PARTICIPANT_COOKIE)
        return self.store.participant_by_token(self.workshop_id, token) if token else None

    def record(self, kernel_id: str, participant_id: int) -> None:
        self._owner[kernel_id] = participant_id

    def sent(self, kernel_id: str) -> None:
        """The kernel's page has been sent in full: its browser should connect soon."""
        if kernel_id in self._owner:
            self._sent[kernel_id] = time.monotonic()

    def owner(self, kernel_id: str) -> int | None:
        return self._owner.get(kernel_id)

    def is_owner(self, handler, kernel_id: str) -> bool:
        owner = self._owner.get(kernel_id)
        if owner is None:
            return False
        participant = self.participant(handler)
        return participant is not None and participant.id == owner

    def _alive(self) -> set[str]:
        alive = set(self.kernel_manager.list_kernel_ids())
        for gone in set(self._owner) - alive:
            self._owner.pop(gone, None)
            self._sent.pop(gone, None)
        return alive

    async def admit(self, participant_id: int) -> str | None:
        """None if this participant may have one more kernel now; else which cap was reached.

        Admitted, the request holds a place until ``done``.  A participant at their cap first
        gives back their own pages that no browser has open (a reload, a closed tab), so
        reloading never locks anyone out.
        """
        self._alive()
        theirs = sorted((k for k, p in self._owner.items() if p == participant_id),
                        key=lambda k: self._sent.get(k, float("inf")))
        cap = self.caps.per_participant - self._starting[participant_id]
        if len(theirs) >= cap:
            connections = getattr(self.kernel_manager, "_kernel_connections", {})
            now = time.monotonic()
            for kernel_id in list(theirs):
                if len(theirs) < cap:
                    break
                settled = now - self._sent.get(kernel_id, now) > SETTLE_SECONDS
                if settled and connections.get(kernel_id, 0) == 0:
                    try:
                        await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id))
                    except Exception:  # already gone
                        pass
                    self._owner.pop(kernel_id, None)
                    theirs.remove(kernel_id)
            if len(theirs) >= cap:
                return "participant"
        if len(self._owner) + sum(self._starting.values()) >= self.caps.total:
            return "server"
        self._starting[participant_id] += 1
        return None

    def done(self, participant_id: int) -> None:
        """The admitted request has its kernel noted (or failed): its place is no longer held."""
        self._starting[participant_id] -= 1
        if self._starting[participant_id] <= 0:
            del self._starting[participant_id]


class _RecordingManager:
    """The kernel manager as one page request sees it: kernels it starts or takes get an owner."""

    def __init__(self, manager, owners: KernelOwners, participant_id: int):
        self._manager, self._owners, self._participant_id = manager, owners, participant_id
        self.recorded: str | None = None  # the kernel's id, once noted

    def __getattr__(self, name):
        return getattr(self._manager, name)

    def _record(self, kernel_id: str) -> None:
        self._owners.record(kernel_id, self._participant_id)
        if not self.recorded:  # the kernel now counts itself: the place held for it is let go
            self.recorded = kernel_id
            self._owners.done(self._participant_id)

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._record(kernel_id)
        return kernel_id

    async def get_rendered_notebook(self, *args, **kwargs):
        render_task, rendered, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._record(kernel_id)
        return render_task, rendered, kernel_id


FULL = {
    "participant": "You already have several module pages open. Close the pages you are not using "
                   "(or wait a minute), then open this one again. Your answers are saved.",
    "server": "The workshop server is busy: every place for a page is taken. Wait a minute, then "
              "open the page again, or tell a facilitator. Your answers are saved.",
}


class _KnowsOwners:
    """Mixed into a Voilà or Jupyter handler: ``self.owners`` says whose each kernel is."""

    def initialize(self, owners: KernelOwners, **kwargs):
        super().initialize(**kwargs)
        self.owners = owners


class ModulePageHandler(_KnowsOwners, TornadoVoilaHandler):
    """``/voila/render/<module>.ipynb`` for a participant: the start page first, within the caps."""

    def initialize(self, owners: KernelOwners, **kwargs):
        super().initialize(owners, **kwargs)
        self._recording: _RecordingManager | None = None

    @property
    def kernel_manager(self):
        return self._recording or self.settings["kernel_manager"]

    def _is_module_page(self, path: str | None) -> bool:
        """A notebook inside the modules folder (nothing above it, nothing else)."""
        if not path or not path.endswith(".ipynb"):
            return False
        root = Path(self.settings["contents_manager"].root_dir).resolve()
        page = (root / path).resolve()
        return page.is_relative_to(root) and page.is_file()

    @web.authenticated
    async def get(self, path=None):
        from coproduction_kit.server.landing import render_plain_error

        if not self._is_module_page(path):
            raise web.HTTPError(404)
        participant = self.owners.participant(self)
        if participant is None:
            # No kernel for no one: the start page gives a pseudonym, then the page.
            return self.redirect(self.base_url)
        full = await self.owners.admit(participant.id)
        if full:
            self.set_header("Retry-After", "60")
            return render_plain_error(self, 503 if full == "server" else 429, FULL[full])
        opened = getattr(self.settings["kernel_manager"], "page_opened", None)
        if opened is not None:  # the pools learn where the room is going (pools.SenseTheRoom)
            opened(path, participant.id)
        self._recording = _RecordingManager(self.settings["kernel_manager"], self.owners, participant.id)
        try:
            async for html in self.get_generator(path=path):
                self.write(html)
                self.flush()
        finally:
            if self._recording.recorded:
                self.owners.sent(self._recording.recorded)
            else:  # no kernel after all (an error): give the place back
                self.owners.done(participant.id)


class OwnedKernelHandler(_KnowsOwners, KernelHandler):
    """``/api/kernels/<id>``: the kernel's description, for its owner only; no DELETE."""

    async def get(self, kernel_id):
        if not self.owners.is_owner(self, kernel_id):
            raise web.HTTPError(404)
        return await super().get(kernel_id)

    async def delete(self, kernel_id):
        raise web.HTTPError(405)


class OwnedChannelsHandler(_KnowsOwners, VoilaKernelWebsocketHandler):
    """``/api/kernels/<id>/channels``: the page's connection to its kernel, for its owner only."""

    async def pre_get(self):
        # Refused before the websocket opens: a stranger never reaches the kernel.
        if not self.owners.is_owner(self, self.kernel_id):
            raise web.HTTPError(403)
        await super().pre_get()


class OwnedShutdownHandler(_KnowsOwners, VoilaShutdownKernelHandler):
    """``/voila/api/shutdown/<id>``: a page closing may end its own kernel, and no other."""

    async def post(self, kernel_id):
        if not self.owners.is_owner(self, kernel_id):
            raise web.HTTPError(404)
        return await super().post(kernel_id)
