"""A kernel's activity, noted for the culler without reading every message in full.

jupyter_server watches every kernel's IOPub messages to know when it was last active and whether
it is busy (``MappingKernelManager.start_watching_activity``): for each message it checks the
signature, then parses the header, the parent header and the metadata, and every date in them
(``extract_dates``).  A page's widgets send a message for every change they make, and a hall of
pages learning their participants at once sends hundreds a second: profiled with py-spy during
50 pages opened at once, that parsing was a fifth of the server's busy time, queued in the same
loop as the page requests.

``LightActivity`` notes the same two things (``last_activity``, ``execution_state``), from the
same messages, the signature checked as before; it reads only the two message types (and a
status message's state), and no dates.
"""

from __future__ import annotations

import json
from hmac import compare_digest

from jupyter_client.session import Session
from jupyter_server._tz import utcnow


class LightActivity:
    """Mixed into the participants' kernel manager: its ``start_watching_activity``, lighter."""

    def start_watching_activity(self, kernel_id: str) -> None:
        kernel = self._kernels[kernel_id]
        kernel.reason = ""
        kernel.last_activity = utcnow()
        kernel._activity_stream = kernel.connect_iopub()
        session = Session(config=kernel.session.config, key=kernel.session.key)

        def record_activity(msg_list):
            try:
                _idents, parts = session.feed_identities(msg_list)
                if session.auth is not None and not compare_digest(parts[0], session.sign(parts[1:5])):
                    return  # not the kernel's own message: no activity
                msg_type = json.loads(parts[1]).get("msg_type")
                parent_type = json.loads(parts[2]).get("msg_type")
            except (ValueError, IndexError, AttributeError):
                return
            tracked = self.track_message_type(parent_type)
            if self.track_message_type(msg_type) or tracked or kernel.execution_state == "busy":
                self.last_kernel_activity = kernel.last_activity = utcnow()
            if msg_type == "status":
                state = json.loads(parts[4]).get("execution_state")
                if tracked:
                    kernel.execution_state = state
                elif kernel.execution_state == "starting" and state != "starting":
                    kernel.execution_state = "idle"  # as jupyter_server: idle unless a tracked request made it busy

        kernel._activity_stream.on_recv(record_activity)


def with_light_activity(base_class):
    """``base_class`` (a multi-kernel manager) watching its kernels' activity with ``LightActivity``."""
    return type(f"Light{base_class.__name__}", (LightActivity, base_class), {})
