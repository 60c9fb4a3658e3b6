"""The participants' server: Voilà serving the module notebooks, plus the start page.

It is plain Voilà 0.5 with the workshop's settings and these changes:

- ``/`` is the workshop's start page (pseudonym and progress) instead of Voilà's file tree,
  and the tree and contents listings are not served at all;
- kernels learn who is answering from the participant cookie (``http_header_envs``);
- pages are preheated in pools that follow the room: today's plan when a session is named, else
  what the start page learns of who is here (``pools.py``, ``room_sense.py``); and the kernels of
  pages participants have left are shut down;
- a module page opens only for a participant (others go to the start page, no kernel started),
  each kernel answers only to the participant whose page started or took it, and kernels are
  capped per participant and in all (``kernel_doors.py``);
- a pooled kernel's request reaches it only over its own keyed socket (``kernel_keys.py``);
- a page's kernel starts without ipykernel's debugger, which no page can reach (``lean_kernel.py``),
  forked from a warm parent that has imported what every page needs (``kernel_forks.py``);
- logs hold no kernel ids and no secrets from links (``log_privacy.py``), and a kernel's activity is
  noted without parsing each of its messages in full (``activity.py``);
- responses are compressed, hashed extension files cached, unused extensions not loaded (``light.py``);
- on the room's network, the join token is rate-limited and the server may speak HTTPS
  (``join_door.py``).

Measured with plain Voilà (shared/FIELD-NOTES.md): a closed page's kernel is never shut down,
so idle kernels with no open page are culled; and with many pages opened at once the TCP
kernel-port race can freeze the server, so kernels talk over IPC sockets instead.

Run it as ``python -m coproduction_kit.server.app`` (``workshop serve`` does, with the facilitators' server).
"""

from __future__ import annotations

import functools
import os
import sys

import voila.app
from jupyter_server.services.kernels.handlers import KernelHandler
from tornado.ioloop import PeriodicCallback
from traitlets import Enum, Float, Instance, Int, TraitError, Unicode, default, validate
from traitlets.config import Config
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from coproduction_kit.core.settings import WorkshopConfig, handover_environment, load_config
from coproduction_kit.core.identity import SERVER_CERT_ENV
from coproduction_kit.core.private_files import umask_for
from coproduction_kit.store import Store

from coproduction_kit.server import with_template
from coproduction_kit.server import log_privacy
from coproduction_kit.server.join_door import JoinTokenIdentityProvider, ServesTls
from coproduction_kit.server.kernel_doors import (
    KernelCaps,
    KernelOwners,
    ModulePageHandler,
    OwnedChannelsHandler,
    OwnedKernelHandler,
    OwnedShutdownHandler,
)
from coproduction_kit.server.kernel_keys import KernelQueryHandler
from coproduction_kit.server.lean_kernel import LeanKernelSpecs
from coproduction_kit.server.light import FRONTS, UNUSED_EXTENSIONS, VersionedFileHandler, compress, light_page
from coproduction_kit.server.landing import (
    AboutHandler, FeedbackHandler, JournalHandler, LandingHandler, LeaveHandler, ResumeHandler, WithdrawHandler,
)
from coproduction_kit.server.pools import PageRetirement, RoomPlan, with_room_plan
from coproduction_kit.server.room_sense import RoomSense, available_mb, room_bounds

# Handlers that would list the server's files to anyone: the start page replaces them.
_HIDDEN = {"TornadoVoilaTreeHandler", "VoilaContentsHandler"}


def voila_config(workshop: WorkshopConfig, ip: str, port: int, token: str | None,
                 plan: RoomPlan | None = None, tls: bool = False, sense: RoomSense | None = None,
                 front: str = "light") -> Config:
    """Voilà's settings for a workshop; with a plan, kernels are preheated in pools (``pools.py``);
    ``front`` is the front end that draws the pages' widgets (light.py, ``FRONTS``)."""
    c = Config()
    if plan is not None:
        c.VoilaConfiguration.preheat_kernel = True
        c.VoilaKernelManager.kernel_pools_config = (
            {"default": {"pool_size": 0}, **{page: {"pool_size": size} for page, size in sense.targets().items()}}
            if sense is not None else plan.initial_pools())
        c.VoilaKernelManager.fill_delay = 1.0
    c.Voila.ip = ip
    c.Voila.port = port
    c.Voila.port_retries = 0
    c.Voila.open_browser = False
    c.Voila.root_dir = workshop.modules_dir
    if token:
        c.Voila.token = token
        c.Voila.identity_provider_class = JoinTokenIdentityProvider
    c.VoilaConfiguration.template = "workshop"
    c.VoilaConfiguration.kernel_spec_manager_class = LeanKernelSpecs  # no debugger in a page's kernel
    c.VoilaConfiguration.http_header_envs = ["Cookie"]
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.extension_denylist = UNUSED_EXTENSIONS  # a phone loads only what pages use
    # anywidget only where a power map is; no MathJax; the light front end unless front is "voila"
    c.VoilaConfiguration.page_config_hook = functools.partial(light_page, front=front)
    # Kernels whose page is closed are shut down after 10 idle minutes; open pages never are.
    c.MappingKernelManager.cull_idle_timeout = 600
    c.MappingKernelManager.cull_interval = 60
    c.MappingKernelManager.cull_connected = False
    c.KernelManager.transport = "ipc"
    c.Voila.tornado_settings = {
        "headers": {
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",  # "no-referrer" would send Origin: null on forms
            "X-Frame-Options": "SAMEORIGIN",
        },
        # gzip for pages, scripts and styles.  A jupyter_server (the hub's single-user servers) reads
        # it when it builds its application; standalone Voilà applies these settings too late for
        # it, so WorkshopVoila adds the same transform itself (light.py).
        "compress_response": True,
        # The page's widgets arrive over its kernel's WebSocket as JSON (0.3–0.5 MB a module):
        # permessage-deflate when the browser offers it, with tornado's defaults.
        "websocket_compression_options": {},
        # Under HTTPS the form token's cookie is HTTPS-only too (the login cookie follows the protocol).
        **({"xsrf_cookie_kwargs": {"secure": True}} if tls else {}),
    }
    return c


class WorkshopVoila(ServesTls, Voila):
    """Voilà with the workshop's start page at ``/``, no file listings, and pools that follow the room."""

    name = "workshop-voila"
    # The workshop's own settings (data folder, id, limits) are WorkshopConfig's, given whole.
    workshop = Instance(WorkshopConfig, help="The workshop's settings (core/settings.py).")
    page_grace = Float(20.0, help="Seconds before a left page's kernel may be shut down.").tag(config=True)
    sweep_every = Float(5.0, help="Seconds between two sweeps, each giving back the kernels of pages left "
                                  "(past their grace) and bringing the pools to the room.").tag(config=True)
    room_plan = Instance(RoomPlan, args=(), help="Today's pages and the size of the room.")
    room_sense = Instance(RoomSense, allow_none=True,
                          help="What the start page learns of the room, when no pages are named.")
    kernels_per_participant = Int(
        3, help="Module pages (kernels) one participant may have open at once; past it, their pages no "
                "browser has open are closed first, then a page asks them to close one.").tag(config=True)
    max_kernels = Int(
        None, allow_none=True,
        help="Module pages (kernels) open at once on this server, all participants together; past it, "
             "a page asks people to wait a minute (default: what three quarters of the memory available "
             "at start can hold, at 45 MB a kernel; never fewer than 60, or twice the room).").tag(config=True)
    memory_available = Float(None, allow_none=True, help="MB of memory available at start (MemAvailable).")
    certfile = Unicode("", help="TLS certificate (PEM): serve HTTPS instead of HTTP.").tag(config=True)
    keyfile = Unicode("", help="The TLS certificate's private key (PEM).").tag(config=True)
    room = Int(0, help="Participants expected at once; 0 starts every kernel on demand. With no pages named, "
                     "pages are made ready for those the start page has seen, up to this many.").tag(config=True)
    pages = Unicode("", help="Today's modules in order, comma-separated (e.g. power or orientation,power).").tag(
        config=True)
    reserve = Int(2, help="Pooled kernels kept on a page the room has reached (latecomers, reloads).").tag(
        config=True)
    front = Enum(list(FRONTS), "light", help=(
        "What draws a participant's widgets: 'light', the kit's own front end (about 0.3 MB, quick on a "
        "phone), or 'voila', Voilà's JupyterLab application (about 1.2 MB, 5-9 s at 4x CPU): a fallback "
        "if a page misbehaves. A page that asks for mathematics always gets Voilà's.")).tag(config=True)

    @validate("sweep_every")
    def _a_positive_interval(self, proposal):
        if proposal["value"] <= 0:
            raise TraitError(f"sweep_every must be a number of seconds above 0, not {proposal['value']}")
        return proposal["value"]

    # The options `workshop serve` and the tests give; Voilà's own (e.g. --token) are left out on
    # purpose: no secret goes on a command line, where `ps` shows it to every local user.
    aliases = {
        "ip": "Voila.ip",
        "port": "Voila.port",
        "data-dir": "WorkshopConfig.data_dir",
        "room": "WorkshopVoila.room",
        "pages": "WorkshopVoila.pages",
        "reserve": "WorkshopVoila.reserve",
        "front": "WorkshopVoila.front",
        "page-grace": "WorkshopVoila.page_grace",
        "sweep-every": "WorkshopVoila.sweep_every",
        "kernels-per-participant": "WorkshopVoila.kernels_per_participant",
        "max-kernels": "WorkshopVoila.max_kernels",
        "tls-cert": "WorkshopVoila.certfile",
        "tls-key": "WorkshopVoila.keyfile",
    }
    flags = {name: flag for name, flag in Voila.flags.items() if name != "token"}
    classes = [*Voila.classes, WorkshopConfig]

    examples = "python -m coproduction_kit.server.app --port 8866 --data-dir workshop-data --room 30 --pages power"

    @default("ip")
    def _default_ip(self):
        return "127.0.0.1"  # this laptop only, unless `workshop serve --lan` says 0.0.0.0

    def initialize(self, argv=None):
        super().initialize(argv)
        log_privacy.install()  # before anything is logged about kernels or links
        # traitlets leaves the app's logger at DEBUG and filters in its handler, so every debug call
        # (one per message from every kernel) made a record, masked it and dropped it.
        self.log.setLevel(self.log_level)

    def init_settings(self):
        # Voilà builds its kernel manager class here; ours adds the room plan on top of it.
        original, factory = with_room_plan(self.room_plan, self.room_sense)  # also gives every kernel its key
        voila.app.voila_kernel_manager_factory = factory
        try:
            return super().init_settings()
        finally:
            voila.app.voila_kernel_manager_factory = original

    def init_handlers(self):
        workshop = self.workshop or load_config()
        store = Store.for_workshop(workshop)  # its limits, as the kernels have them
        total, _ = room_bounds(self.room, self.max_kernels, self.memory_available)
        owners = KernelOwners(self.kernel_manager, store, workshop.workshop_id,
                              KernelCaps(self.kernels_per_participant, total))
        # Voilà's handlers, with every door to a kernel replaced by one that checks its owner.
        replaced = {
            KernelHandler: (OwnedKernelHandler, {"owners": owners}),
            VoilaKernelWebsocketHandler: (OwnedChannelsHandler, {"owners": owners}),
            VoilaShutdownKernelHandler: (OwnedShutdownHandler, {"owners": owners}),
            RequestInfoSocketHandler: (KernelQueryHandler, {}),
            TornadoVoilaHandler: (ModulePageHandler, {"owners": owners}),
        }
        compress(self.app)  # Voilà built the application just before asking for its handlers
        handlers = []
        for pattern, handler, *kwargs in super().init_handlers():
            if handler.__name__ in _HIDDEN:
                continue
            ours, extra = replaced.get(handler, (handler, {}))
            if pattern.endswith("/voila/labextensions/(.*)"):
                ours = VersionedFileHandler
            handlers.append((pattern, ours, {**(kwargs[0] if kwargs else {}), **extra}))
        pages = {"workshop": workshop, "store": store}
        ours = [
            (self.server_url, LandingHandler, pages),
            (self.server_url + "resume", ResumeHandler, pages),
            (self.server_url + "leave", LeaveHandler),
            (self.server_url + r"journal\.(md|html)", JournalHandler, pages),
            (self.server_url + r"feedback/([a-z0-9-]+)", FeedbackHandler, pages),
            (self.server_url + "withdraw", WithdrawHandler, pages),
            (self.server_url + "about", AboutHandler, pages),
        ]
        # Every few seconds (sweep_every), give back the kernels of pages participants have left, and forget
        # the requests kept for kernels that are gone.
        retirement = PageRetirement(self.kernel_manager, store, workshop.workshop_id, self.log, self.page_grace)

        async def sweep():
            await retirement.sweep()
            if hasattr(self.kernel_manager, "follow_the_room"):  # who is present changes with time
                self.kernel_manager.follow_the_room()
            KernelQueryHandler.forget_gone(set(self.kernel_manager.list_kernel_ids()))

        PeriodicCallback(sweep, self.sweep_every * 1000).start()
        return ours + handlers


def main(argv: list[str] | None = None) -> None:
    """Start the participants' server: ``python -m coproduction_kit.server.app --port=… --data-dir=…``
    (``--help`` lists every option; the join token comes in ``WORKSHOP_JOIN_TOKEN``, never on the
    command line)."""
    log_privacy.install()
    token = os.environ.pop("WORKSHOP_JOIN_TOKEN", None) or None  # not passed on to kernels
    app = WorkshopVoila()
    app.parse_command_line(argv)
    workshop = load_config(command_line=app.cli_config)
    os.umask(umask_for(workshop.data_dir))  # the store, logs and kernels' files: no other local user
    # Kernels and the server must find the same workshop (data folder, content) and templates:
    # a kernel starts in the notebooks' folder, not the workshop folder.
    os.environ.update(handover_environment(workshop))
    os.environ["JUPYTER_PATH"] = with_template(os.environ.get("JUPYTER_PATH"))
    plan = sense = None
    app.memory_available = available_mb()
    total, most = room_bounds(app.room, app.max_kernels, app.memory_available)
    if app.room > 0:
        pages = [f"{page.strip()}.ipynb" for page in app.pages.split(",") if page.strip()]
        plan = RoomPlan(pages=pages, room=app.room, reserve=min(app.reserve, app.room))
        if not pages:  # no session named: the start page tells who is here (room_sense.py)
            from coproduction_kit.core.curriculum import load_curriculum

            order = [f"{m}.ipynb" for m in load_curriculum(workshop.curriculum_dir).modules]
            sense = RoomSense(order, reserve=plan.reserve, idle_reserve=min(1, plan.reserve), most=most,
                              give_back=app.page_grace + app.sweep_every)
    if app.certfile:
        os.environ[SERVER_CERT_ENV] = os.path.abspath(app.certfile)  # pooled kernels check it
    config = voila_config(workshop, app.ip, app.port, token, plan, tls=bool(app.certfile), sense=sense,
                          front=app.front)
    config.merge(app.cli_config)
    app.update_config(config)
    app.workshop, app.room_plan, app.room_sense = workshop, plan or RoomPlan(), sense
    app.initialize([])
    if sense is not None:
        memory = f"{app.memory_available / 1024:.1f} GB" if app.memory_available else "unknown"
        app.log.info("Memory available: %s. Pages are made ready for the people who join on the start page, "
                     "up to %d at once (--room %d is where it starts), with %d module pages open in all",
                     memory, most, app.room, total)
    app.start()


if __name__ == "__main__":
    main(sys.argv[1:])
