"""The participants' server: Voilà serving the module notebooks, plus the start page.

It is plain Voilà 0.5 with the workshop's settings and these changes:

- ``/`` is the workshop's start page (pseudonym and progress) instead of Voilà's file tree,
  and the tree and contents listings are not served at all;
- kernels learn who is answering from the participant cookie (``http_header_envs``);
- with a room plan, pages are preheated in pools that follow the room, and the kernels of pages
  participants have left are shut down (``pools.py``).

Measured with plain Voilà (shared/FIELD-NOTES.md): a closed page's kernel is never shut down,
so idle kernels with no open page are culled; and with many pages opened at once the TCP
kernel-port race can freeze the server, so kernels talk over IPC sockets instead.

Run it as ``python -m workshop.server`` (``workshop serve`` does, with the facilitators' server).
"""

from __future__ import annotations

import os
import sys

import voila.app
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Instance, Unicode
from traitlets.config import Config
from voila.app import Voila

from widgets.config import WorkshopConfig, load_config
from widgets.private_files import umask_for
from widgets.store import Store

from . import TEMPLATE_ROOT
from .pools import PageRetirement, RoomPlan, with_room_plan
from .landing import FeedbackHandler, JournalHandler, LandingHandler, LeaveHandler, WithdrawHandler

RETIRE_EVERY_MS = 5000

# Handlers that would list the server's files to anyone: the start page replaces them.
_HIDDEN = {"TornadoVoilaTreeHandler", "VoilaContentsHandler"}


def voila_config(workshop: WorkshopConfig, ip: str, port: int, token: str | None,
                 plan: RoomPlan | None = None) -> Config:
    """Voilà's settings for a workshop; with a plan, kernels are preheated in pools (``pools.py``)."""
    c = Config()
    if plan is not None:
        c.VoilaConfiguration.preheat_kernel = True
        c.VoilaKernelManager.kernel_pools_config = plan.initial_pools()
        c.VoilaKernelManager.fill_delay = 1.0
    c.Voila.ip = ip
    c.Voila.port = port
    c.Voila.port_retries = 0
    c.Voila.open_browser = False
    c.Voila.root_dir = workshop.modules_dir
    if token:
        c.Voila.token = token
    c.VoilaConfiguration.template = "workshop"
    c.VoilaConfiguration.http_header_envs = ["Cookie"]
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.strip_sources = True
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
        }
    }
    return c


class WorkshopVoila(Voila):
    """Voilà with the workshop's start page at ``/``, no file listings, and pools that follow the room."""

    name = "workshop-voila"
    workshop_data_dir = Unicode(help="The workshop's data folder.").tag(config=True)
    page_grace = Float(20.0, help="Seconds before a left page's kernel may be shut down.").tag(config=True)
    room_plan = Instance(RoomPlan, args=(), help="Today's pages and the size of the room.")

    def init_settings(self):
        # Voilà builds its kernel manager class here; ours adds the room plan on top of it.
        original, factory = with_room_plan(self.room_plan)
        voila.app.voila_kernel_manager_factory = factory
        try:
            return super().init_settings()
        finally:
            voila.app.voila_kernel_manager_factory = original

    def init_handlers(self):
        handlers = [h for h in super().init_handlers() if h[1].__name__ not in _HIDDEN]
        workshop = load_config(self.workshop_data_dir or None)
        store = Store.for_workshop(workshop)  # its limits, as the kernels have them
        ours = [
            (self.server_url, LandingHandler, {"workshop": workshop, "store": store}),
            (self.server_url + "leave", LeaveHandler),
            (self.server_url + r"journal\.(md|html)", JournalHandler, {"workshop": workshop, "store": store}),
            (self.server_url + r"feedback/([a-z0-9-]+)", FeedbackHandler, {"workshop": workshop, "store": store}),
            (self.server_url + "withdraw", WithdrawHandler, {"workshop": workshop, "store": store}),
        ]
        # Every few seconds, give back the kernels of pages participants have left.
        retirement = PageRetirement(self.kernel_manager, store, workshop.workshop_id, self.log, self.page_grace)
        PeriodicCallback(retirement.sweep, RETIRE_EVERY_MS).start()
        return ours + handlers


def main(argv: list[str] | None = None) -> None:
    """Start the participants' server: ``python -m workshop.server --ip=… --port=… [--token=…]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m workshop.server")
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--room", type=int, default=0,
                        help="Participants expected at once; 0 starts every kernel on demand.")
    parser.add_argument("--pages", default="",
                        help="Today's modules in order, comma-separated (e.g. power or orientation,power).")
    parser.add_argument("--page-grace", type=float, default=20.0,
                        help="Seconds before the kernel of a page its participant has left may be shut down.")
    parser.add_argument("--reserve", type=int, default=2,
                        help="Pooled kernels kept on a page the room has reached (latecomers, reloads).")
    args = parser.parse_args(argv)
    token = os.environ.get("WORKSHOP_JOIN_TOKEN") or None
    workshop = load_config(args.data_dir)
    os.umask(umask_for(workshop.data_dir))  # the store, logs and kernels' files: no other local user
    # Kernels and the server must find the same data folder and templates.
    os.environ["WORKSHOP_DATA_DIR"] = workshop.data_dir
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(TEMPLATE_ROOT)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    )
    plan = None
    if args.room > 0:
        pages = [f"{page.strip()}.ipynb" for page in args.pages.split(",") if page.strip()]
        plan = RoomPlan(pages=pages, room=args.room, reserve=min(args.reserve, args.room))
    config = voila_config(workshop, args.ip, args.port, token, plan)
    config.WorkshopVoila.workshop_data_dir = workshop.data_dir
    config.WorkshopVoila.page_grace = args.page_grace
    app = WorkshopVoila(config=config, room_plan=plan or RoomPlan())
    app.initialize([])
    app.start()


if __name__ == "__main__":
    main(sys.argv[1:])
