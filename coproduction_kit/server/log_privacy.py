"""Server logs that hold no keys: kernel ids and secrets in links are masked as records are made.

A kernel id used to be enough to reach a participant's page, and Voilà, jupyter_server and
Tornado's access log write it at INFO ("Kernel started: <id>", "GET /api/kernels/<id>/channels").
The participants' log is a file anyone helping with the laptop may read, so every record the
server process makes is cleaned once, where it is created: an id becomes ``#`` and the first
eight hex digits of its SHA-256 (enough to follow one kernel through the log, useless to reach
it), and the values of ``token=``, ``resume=`` and ``_xsrf=`` in a URL become ``…``.
"""

from __future__ import annotations

import hashlib
import logging
import re

UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
# Also URL-encoded, as in a login redirect's ``next=%2F%3Fresume%3D…``.
SECRET_IN_URL = re.compile(r"((?:[?&;]|%3F|%26)(?:token|resume|_xsrf)(?:=|%3D))[^&\s\"';%]+", re.IGNORECASE)


def mask(text: str) -> str:
    """``text`` with ids replaced by a short fingerprint and secrets in URLs by ``…``."""
    text = UUID.sub(lambda m: "#" + hashlib.sha256(m.group(0).lower().encode()).hexdigest()[:8], text)
    return SECRET_IN_URL.sub(r"\1…", text)


def install() -> None:
    """Clean every log record this process makes from now on (idempotent)."""
    make = logging.getLogRecordFactory()
    if getattr(make, "workshop_masks", False):
        return

    def masked_record(*args, **kwargs):
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is left for logging to report
            return record
        cleaned = mask(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return record

    masked_record.workshop_masks = True
    logging.setLogRecordFactory(masked_record)
