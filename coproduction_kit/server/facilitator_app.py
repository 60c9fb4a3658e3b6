"""The co-facilitators' server: the facilitator views on the room's network, for working links only.

``workshop serve --lan --cofacilitators 2`` starts it beside the participants' Voilà and the
facilitators' JupyterLab (which stays on this machine).  It is plain Voilà 0.5 serving the
facilitator views' folder under ``/facilitate/``, with these changes (``facilitator_door.py``):

- ``/facilitate/`` is the facilitator home, opened by a co-facilitator's link, which it exchanges
  for a device cookie; every other page needs that cookie, while the link works;
- only the room view, projector, session plan and join card render (not the lead's
  *Co-facilitators* page, no file tree, no contents, no files, no login form);
- a view's kernel answers only to its co-facilitator, and a revoked co-facilitator's kernels stop
  within about a second.

As on the participants' server, the browser cannot run code in a kernel (Voilà passes only widget,
kernel-info and shutdown messages); kernels get no cookie; logs hold no kernel ids or link secrets.

Run it as ``python -m coproduction_kit.server.facilitator_app --port … --data-dir …`` (``serve`` does).
"""

from __future__ import annotations

import functools
import os
import sys

from jupyter_server.services.kernels.handlers import KernelHandler
from tornado.ioloop import PeriodicCallback
from traitlets import Enum, Unicode
from traitlets.config import Config
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from coproduction_kit.core.settings import WorkshopConfig, handover_environment, load_config
from coproduction_kit.core.private_files import umask_for

from coproduction_kit.server import log_privacy, with_template
from coproduction_kit.server.facilitator_door import (
    CofacilitatorIdentity,
    FacilitatorKernels,
    HomeHandler,
    LoginRefused,
    ViewChannelsHandler,
    ViewPageHandler,
)
from coproduction_kit.server.kernel_doors import OwnedKernelHandler, OwnedShutdownHandler
from coproduction_kit.server.join_door import ServesTls
from coproduction_kit.server.lean_kernel import LeanKernelSpecs
from coproduction_kit.server.light import FRONTS, UNUSED_EXTENSIONS, VersionedFileHandler, compress, light_page

BASE_URL = "/facilitate/"
SWEEP_MS = 1000  # how soon a revoked co-facilitator's kernels stop
# Voilà's handlers kept (the rest list files, log in, or serve a pooled kernel's request).
_KEPT = {"TemplateStaticFileHandler", "MultiStaticFileHandler", "ThemesHandler", "FileFindHandler"}


def facilitator_config(workshop: WorkshopConfig, ip: str, port: int, tls: bool = False, front: str = "light") -> Config:
    c = Config()
    c.Voila.ip, c.Voila.port, c.Voila.port_retries, c.Voila.open_browser = ip, port, 0, False
    c.Voila.base_url = BASE_URL
    c.Voila.root_dir = str(workshop.facilitator_views_dir)
    c.Voila.identity_provider_class = CofacilitatorIdentity
    c.CofacilitatorIdentity.data_dir = str(workshop.data_dir)
    c.VoilaConfiguration.template = "workshop"
    c.VoilaConfiguration.kernel_spec_manager_class = LeanKernelSpecs
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.extension_denylist = UNUSED_EXTENSIONS
    # The views have no mathematics: no MathJax, and the kit's light front end draws them, as it draws
    # participants' pages (server/light.py): a view is ready on a phone in about half the time.
    c.VoilaConfiguration.page_config_hook = functools.partial(light_page, front=front)
    c.MappingKernelManager.cull_idle_timeout = 600  # a view left open on a phone is closed after 10 idle minutes
    c.MappingKernelManager.cull_interval = 60
    c.KernelManager.transport = "ipc"
    c.Voila.tornado_settings = {
        "headers": {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "DENY"},
        "websocket_compression_options": {},
        "xsrf_cookie_kwargs": {"path": BASE_URL, **({"secure": True} if tls else {})},
    }
    return c


class FacilitatorVoila(ServesTls, Voila):
    """Voilà serving four facilitator views to co-facilitators' devices, behind their links."""

    name = "workshop-facilitator-voila"
    certfile = Unicode("", help="TLS certificate (PEM): serve HTTPS instead of HTTP.").tag(config=True)
    keyfile = Unicode("", help="The TLS certificate's private key (PEM).").tag(config=True)
    front = Enum(list(FRONTS), "light", help=(
        "Which front end draws the views: the kit's light one, or Voilà's own (voila), as the participants' "
        "server was started with.")).tag(config=True)
    aliases = {"ip": "Voila.ip", "port": "Voila.port", "data-dir": "WorkshopConfig.data_dir",
               "tls-cert": "FacilitatorVoila.certfile", "tls-key": "FacilitatorVoila.keyfile",
               "front": "FacilitatorVoila.front"}
    flags = {}
    classes = [*Voila.classes, WorkshopConfig, CofacilitatorIdentity]

    def initialize(self, argv=None):
        super().initialize(argv)
        log_privacy.install()

    def init_handlers(self):
        kernels = FacilitatorKernels(self.kernel_manager, self.identity_provider.links, self.log)
        replaced = {
            KernelHandler: OwnedKernelHandler,
            VoilaKernelWebsocketHandler: ViewChannelsHandler,
            VoilaShutdownKernelHandler: OwnedShutdownHandler,
            TornadoVoilaHandler: ViewPageHandler,
        }
        compress(self.app)
        handlers = []
        for pattern, handler, *kwargs in super().init_handlers():
            if handler in replaced:
                if handler is TornadoVoilaHandler and "/voila/render/" not in pattern:
                    continue
                handlers.append((pattern, replaced[handler], {**(kwargs[0] if kwargs else {}), "owners": kernels}))
            elif handler.__name__ in _KEPT:
                ours = VersionedFileHandler if pattern.endswith("/voila/labextensions/(.*)") else handler
                handlers.append((pattern, ours, *kwargs))
        PeriodicCallback(kernels.sweep, SWEEP_MS).start()
        return [(self.server_url, HomeHandler), (self.server_url + "login", LoginRefused), *handlers]


def main(argv: list[str] | None = None) -> None:
    """Start the co-facilitators' server (``--help`` lists every option)."""
    log_privacy.install()
    app = FacilitatorVoila()
    app.parse_command_line(argv)
    workshop = load_config(command_line=app.cli_config)
    os.umask(umask_for(workshop.data_dir))
    os.environ.update(handover_environment(workshop))
    os.environ["JUPYTER_PATH"] = with_template(os.environ.get("JUPYTER_PATH"))
    for secret in ("WORKSHOP_JOIN_TOKEN",):  # not a view's business
        os.environ.pop(secret, None)
    config = facilitator_config(workshop, app.ip, app.port, tls=bool(app.certfile), front=app.front)
    config.merge(app.cli_config)
    app.update_config(config)
    app.initialize([])
    app.start()


if __name__ == "__main__":
    main(sys.argv[1:])
