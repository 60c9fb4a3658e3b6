"""How a pooled kernel learns whose page it serves, without anyone else listening in.

A kernel from Voilà's pool runs its page before anyone asks for it; when a participant's
request takes it, Voilà hands the request's headers (among them the participant cookie) to the
kernel over the websocket ``/voila/query/<kernel id>`` (see ``coproduction_kit.core.identity.wait_for_request``).
Voilà's own socket handler asks for no credential, lets the last socket opened win, and keeps
every request's headers for the server's lifetime.  Here:

- every kernel the server starts gets a key of its own in its environment (``KERNEL_KEY_ENV``),
  an HMAC of its id under a secret that never leaves the server process (``KeyedKernels``);
- ``/voila/query/<id>`` opens only for a socket presenting that key (``KERNEL_KEY_HEADER``,
  compared with ``hmac.compare_digest``), and only once per kernel;
- a request's headers waiting for their kernel are dropped as soon as they are delivered, and
  those of kernels that are gone are dropped at the next sweep (``forget_gone``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid

from tornado import web
from voila.request_info_handler import RequestInfoSocketHandler

from coproduction_kit.core.identity import KERNEL_KEY_ENV, KERNEL_KEY_HEADER


class KeyedKernels:
    """Mixed under Voilà's kernel manager: every kernel started gets its own key."""

    _key_secret: bytes = b""

    def kernel_key(self, kernel_id: str) -> str:
        if not KeyedKernels._key_secret:
            KeyedKernels._key_secret = secrets.token_bytes(32)
        return hmac.new(KeyedKernels._key_secret, kernel_id.encode(), hashlib.sha256).hexdigest()

    async def start_kernel(self, *args, kernel_id: str | None = None, env: dict | None = None, **kwargs):
        kernel_id = kernel_id or str(uuid.uuid4())
        env = dict(os.environ if env is None else env)
        env[KERNEL_KEY_ENV] = self.kernel_key(kernel_id)
        return await super().start_kernel(*args, kernel_id=kernel_id, env=env, **kwargs)


def with_kernel_keys(base_class):
    """``base_class`` (a multi-kernel manager) whose kernels get keys."""
    return type(f"Keyed{base_class.__name__}", (KeyedKernels, base_class), {})


class KernelQueryHandler(RequestInfoSocketHandler):
    """``/voila/query/<kernel id>`` for the server's own kernels only, the first socket only.

    It shares Voilà's waiting sockets and message cache (``_waiters``, ``_cache``), which Voilà's
    page handler fills through ``RequestInfoSocketHandler.send_updates``.
    """

    _opened: set[str] = set()

    async def get(self, kernel_id: str, *args, **kwargs):
        manager = self.settings["kernel_manager"]
        offered = self.request.headers.get(KERNEL_KEY_HEADER, "")
        known = kernel_id in manager.list_kernel_ids() or _pooled(manager, kernel_id)
        if not known or not offered or not hmac.compare_digest(offered, manager.kernel_key(kernel_id)):
            raise web.HTTPError(403)
        if kernel_id in KernelQueryHandler._opened:
            raise web.HTTPError(409)  # the kernel already has its socket: no second listener
        KernelQueryHandler._opened.add(kernel_id)
        return await super().get(kernel_id, *args, **kwargs)

    def open(self, kernel_id: str) -> None:
        RequestInfoSocketHandler._waiters[kernel_id] = self
        waiting = RequestInfoSocketHandler._cache.pop(kernel_id, None)
        if waiting is not None:
            self.write_message(waiting)

    def on_close(self) -> None:
        for kernel_id, waiter in list(RequestInfoSocketHandler._waiters.items()):
            if waiter is self:
                del RequestInfoSocketHandler._waiters[kernel_id]

    def check_origin(self, origin):
        return origin is None  # kernels send no Origin; a browser page always does

    @classmethod
    def forget_gone(cls, alive: set[str]) -> None:
        """Drop what is kept for kernels that no longer run."""
        for kernel_id in set(RequestInfoSocketHandler._cache) - alive:
            RequestInfoSocketHandler._cache.pop(kernel_id, None)
        cls._opened &= alive


def _pooled(manager, kernel_id: str) -> bool:
    # A pooled kernel may ask before jupyter_server lists it: its start is still being awaited.
    return any(kernel_id in data.get("kernel_ids", ()) for data in getattr(manager, "notebook_data", {}).values())
