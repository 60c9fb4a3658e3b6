"""A facilitator page looking at the store again and again: ``step()`` every few seconds in the
kernel's own loop (the room view, the session timers, the projector's clock)."""

from __future__ import annotations

import asyncio


class Every:
    """Call ``step()`` every ``seconds`` in the kernel's loop until cancelled (outside a kernel,
    nothing: the caller, or a test, calls ``step()`` itself)."""

    def __init__(self, seconds: float, step):
        self._handle = None
        self._stopped = False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return

        def again():
            try:
                step()
            finally:
                if not self._stopped:
                    self._handle = loop.call_later(seconds, again)

        self._handle = loop.call_later(seconds, again)

    def cancel(self) -> None:
        self._stopped = True
        if self._handle is not None:
            self._handle.cancel()
