"""The participants' server: Voilà serving the module notebooks, plus the start page.

It is plain Voilà 0.5 with the workshop's settings and two changes:

- ``/`` is the workshop's start page (pseudonym and progress) instead of Voilà's file tree,
  and the tree and contents listings are not served at all;
- kernels learn who is answering from the participant cookie (``http_header_envs``).

Measured with plain Voilà (shared/FIELD-NOTES.md): a closed page's kernel is never shut down,
so idle kernels with no open page are culled; and with many pages opened at once the TCP
kernel-port race can freeze the server, so kernels talk over IPC sockets instead.

Run it as ``python -m workshop.server`` (``workshop serve`` does, with the facilitators' server).
"""

from __future__ import annotations

import os
import sys

from traitlets import Unicode
from traitlets.config import Config
from voila.app import Voila

from widgets.config import WorkshopConfig, load_config
from widgets.store import Store

from . import TEMPLATE_ROOT
from .landing import FeedbackHandler, JournalHandler, LandingHandler, LeaveHandler, WithdrawHandler

# Handlers that would list the server's files to anyone: the start page replaces them.
_HIDDEN = {"TornadoVoilaTreeHandler", "VoilaContentsHandler"}


def voila_config(workshop: WorkshopConfig, ip: str, port: int, token: str | None) -> Config:
    """Voilà's settings for a workshop."""
    c = Config()
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
    """Voilà with the workshop's start page at ``/`` and no file listings."""

    name = "workshop-voila"
    workshop_data_dir = Unicode(help="The workshop's data folder.").tag(config=True)

    def init_handlers(self):
        handlers = [h for h in super().init_handlers() if h[1].__name__ not in _HIDDEN]
        workshop = load_config(self.workshop_data_dir or None)
        store = Store(workshop.store_url, max_answer_chars=workshop.max_answer_chars)
        ours = [
            (self.server_url, LandingHandler, {"workshop": workshop, "store": store}),
            (self.server_url + "leave", LeaveHandler),
            (self.server_url + r"journal\.(md|html)", JournalHandler, {"workshop": workshop, "store": store}),
            (self.server_url + r"feedback/([a-z0-9-]+)", FeedbackHandler, {"workshop": workshop, "store": store}),
            (self.server_url + "withdraw", WithdrawHandler, {"workshop": workshop, "store": store}),
        ]
        return ours + handlers


def main(argv: list[str] | None = None) -> None:
    """Start the participants' server: ``python -m workshop.server --ip=… --port=… [--token=…]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m workshop.server")
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    token = os.environ.get("WORKSHOP_JOIN_TOKEN") or None
    workshop = load_config(args.data_dir)
    # Kernels and the server must find the same data folder and templates.
    os.environ["WORKSHOP_DATA_DIR"] = workshop.data_dir
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(TEMPLATE_ROOT)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    )
    config = voila_config(workshop, args.ip, args.port, token)
    config.WorkshopVoila.workshop_data_dir = workshop.data_dir
    app = WorkshopVoila(config=config)
    app.initialize([])
    app.start()


if __name__ == "__main__":
    main(sys.argv[1:])
