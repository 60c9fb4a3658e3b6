"""Who may use the co-facilitators' server: a device holding a working co-facilitator link.

The co-facilitators' server (``facilitator_app.py``) listens on the room's network and serves the
facilitator home and four facilitator views, nothing else.  Here:

- ``HomeHandler`` takes a link's secret (``?token=…``) once, compared in constant time with wrong
  tries limited per address as at the join door, and gives the device a cookie derived from it
  (HttpOnly, SameSite=Strict, limited to this server's path, Secure under HTTPS); then it shows
  the home: the room view, projector, session plan and timers, and join card;
- ``CofacilitatorIdentity`` knows a device only by that cookie, checked against the links file at
  every request: a participant's cookie, the facilitators' JupyterLab token or a revoked link
  opens nothing;
- a view's kernel answers only to the co-facilitator whose page started it (``FacilitatorKernels``,
  with the participants' server's owned-kernel handlers from ``kernel_doors.py``); nobody may
  delete, interrupt or restart one, and each co-facilitator may hold a few;
- ``FacilitatorKernels.sweep`` runs every second: a revoked co-facilitator's kernels are shut
  down and their sockets closed.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from tornado import web
from traitlets import Unicode
from voila.tornado.handler import TornadoVoilaHandler

from coproduction_kit.core.cofacilitator_links import COOKIE, CofacilitatorLinks, cookie_for, device_key
from coproduction_kit.server.join_door import WrongTries
from coproduction_kit.server.kernel_doors import OwnedChannelsHandler, _RecordingManager

# The pages a co-facilitator may open, as (file, title, what it is for); anything else is 404.
VIEWS = [
    ("room.ipynb", "Room view", "Reveal answers to the room, hide one, lock a prompt."),
    ("projector.ipynb", "Projector", "What the room sees: revealed answers only."),
    ("session.ipynb", "Session plan and timers", "Today's segments, with a timer each."),
    ("join_card.ipynb", "Join card", "The participant link as a QR code."),
]
KERNELS_EACH = 8  # views open at once per co-facilitator (one page is one kernel, about 70 MB)
NO_LINK = ("This device has no working co-facilitator link. Open your link again (scan its QR code), "
           "or ask the lead facilitator for a new one.")
TOO_MANY_TRIES = ("Too many wrong co-facilitator links from this device in the last minute. "
                  "Wait a minute, then open your link again.")
WRONG_LINK = "This co-facilitator link is not (or no longer) valid. Ask the lead facilitator for a new one."
TOO_MANY_VIEWS = ("You have many facilitator pages open. Close the ones you are not using "
                  "(or wait ten minutes), then open this one again.")

_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                                autoescape=True)


class CofacilitatorIdentity(IdentityProvider):
    """A co-facilitator is known by the device cookie their link gave, while the link works."""

    data_dir = Unicode("", help="The workshop's data folder, holding cofacilitators.json.").tag(config=True)

    def __init__(self, **kwargs):
        kwargs.pop("login_handler_class", None)
        super().__init__(**kwargs)
        self.links = CofacilitatorLinks(self.data_dir)
        self.tries = WrongTries(10, TOO_MANY_TRIES)

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return False

    def get_user(self, handler):
        name = self.links.who(handler.get_cookie(COOKIE))
        secret = self.links.active().get(name) if name else None
        if secret is None:
            return None
        # The username keys the device's kernels: the person and this link (see ``device_key``).
        return User(username=device_key(name, secret), name=name, display_name=name)

    def should_check_origin(self, handler) -> bool:
        return True  # a cookie, never a token in the request: the websocket must come from our pages

    def is_token_authenticated(self, handler) -> bool:
        return False


def render_refusal(handler, status: int, message: str) -> None:
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=UTF-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(_templates.get_template("facilitator_refused.html").render(status=status, message=message))


class _Refusing(JupyterHandler):
    """Errors in plain words, and no page without a working link."""

    def write_error(self, status_code, **kwargs):
        render_refusal(self, status_code, {401: NO_LINK, 403: NO_LINK, 404: "There is no such facilitator page.",
                                           429: TOO_MANY_TRIES}.get(status_code, "Something went wrong."))

    def device(self):
        """The co-facilitator's user (``username`` keys their kernels, ``name`` is shown); else 403."""
        user = self.current_user
        if user is None:
            raise web.HTTPError(403)
        return user


class HomeHandler(_Refusing):
    """``/facilitate/``: the link's secret exchanged for the device cookie, then the home."""

    @allow_unauthenticated  # the link's secret is checked here, or the cookie by ``name()``
    def get(self):
        identity: CofacilitatorIdentity = self.settings["identity_provider"]
        offered = self.get_query_argument("token", "")
        if offered:
            identity.tries.refuse_if_limited(self)
            name = identity.links.by_secret(offered)
            if name is None:
                identity.tries.count(self)
                return render_refusal(self, 403, WRONG_LINK)
            self.set_cookie(COOKIE, cookie_for(identity.links.active()[name]), path=self.base_url,
                            httponly=True, samesite="Strict", secure=self.request.protocol == "https",
                            expires_days=1)
        else:
            name = self.device().name
        self.set_header("Cache-Control", "no-store")
        self.finish(_templates.get_template("facilitator_home.html").render(
            name=name, base_url=self.base_url, views=VIEWS, from_link=bool(offered)))


class LoginRefused(_Refusing):
    """No login form: a co-facilitator comes in through their link only."""

    @allow_unauthenticated
    def get(self):
        render_refusal(self, 403, NO_LINK)

    post = get


class FacilitatorKernels:
    """Which co-facilitator each view's kernel belongs to, as noted by the server."""

    def __init__(self, kernel_manager, links: CofacilitatorLinks, log=None):
        self.kernel_manager, self.links, self.log = kernel_manager, links, log
        self._owner: dict[str, str] = {}
        self.sockets: dict[str, set] = {}

    def record(self, kernel_id: str, device: str) -> None:
        self._owner[kernel_id] = device

    def done(self, device: str) -> None:  # the participants' caps' bookkeeping: none needed here
        pass

    def is_owner(self, handler, kernel_id: str) -> bool:
        user = handler.current_user
        return user is not None and self._owner.get(kernel_id) == user.username

    def count(self, device: str) -> int:
        alive = set(self.kernel_manager.list_kernel_ids())
        for gone in set(self._owner) - alive:
            self._owner.pop(gone, None)
        return sum(1 for owner in self._owner.values() if owner == device)

    async def sweep(self) -> None:
        """Shut down the kernels, and close the sockets, of devices whose link was revoked (or replaced)."""
        working = self.links.working_keys()
        for kernel_id, device in list(self._owner.items()):
            if device in working:
                continue
            self._owner.pop(kernel_id, None)
            try:
                await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id, now=True))
            except Exception:  # already gone
                pass
        for device in set(self.sockets) - working:
            for socket in self.sockets.pop(device):
                socket.close()


class ViewPageHandler(_Refusing, TornadoVoilaHandler):
    """``/facilitate/voila/render/<view>.ipynb``: one of the four views, for a co-facilitator."""

    def initialize(self, owners: FacilitatorKernels, **kwargs):
        super().initialize(**kwargs)
        self.owners = owners
        self._recording = None

    @property
    def kernel_manager(self):
        return self._recording or self.settings["kernel_manager"]

    @allow_unauthenticated  # refused here (403), not sent to a login form
    async def get(self, path=None):
        device = self.device().username
        if path not in {view for view, _, _ in VIEWS}:
            raise web.HTTPError(404)
        if self.owners.count(device) >= KERNELS_EACH:
            return render_refusal(self, 429, TOO_MANY_VIEWS)
        self._recording = _RecordingManager(self.settings["kernel_manager"], self.owners, device)
        self.set_header("Cache-Control", "no-store")
        async for html in self.get_generator(path=path):
            self.write(html)
            self.flush()


class ViewChannelsHandler(OwnedChannelsHandler):
    """A view's connection to its kernel, for its owner only, closed when their link is revoked."""

    async def open(self, kernel_id):
        await super().open(kernel_id)
        self._owner_name = self.current_user.username
        self.owners.sockets.setdefault(self._owner_name, set()).add(self)

    def on_close(self):
        self.owners.sockets.get(getattr(self, "_owner_name", None), set()).discard(self)
        super().on_close()
