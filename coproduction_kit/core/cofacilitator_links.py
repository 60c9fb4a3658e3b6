"""Co-facilitators' links: one per co-facilitator, each a long random secret, revocable at any time.

With ``workshop serve --lan --cofacilitators 2`` (or ``--cofacilitators Sam,Alex``) each
co-facilitator gets a link of their own to the facilitator home on the room's network (the room
view, projector, session plan and timers, and the join card; never JupyterLab).  The links live in
``<data>/cofacilitators.json``, readable by this user only (0600): ``serve`` prints them again at a
restart and the lead's *Co-facilitators* page shows them as QR codes.  A link's secret (256
random bits) is exchanged at the first visit for a cookie derived from it (an HMAC, so the cookie
never gives the link back); revoking a link (``workshop facilitators revoke NAME``, or the lead's
page) deletes its secret, so that device's cookie stops working at the running server's next
look at the file, within a second or two.  The file is replaced whole (never half-written), so
the server never reads a half-made list; an unreadable file lets no one in.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path

from coproduction_kit.core.private_files import write_private

LINKS_FILE = "cofacilitators.json"
HOME_FILE = "cofacilitator-home.txt"  # the facilitator home's address, written by `workshop serve`
COOKIE = "workshop_cofacilitator"
NAME_RULE = ("A co-facilitator's name is 1 to 30 characters: letters, digits, '-' and '_' "
             "(it appears only on the facilitators' pages, never to participants).")
_NAME = re.compile(r"[^\W][\w-]{0,29}")


class LinkError(ValueError):
    """A name breaks the rule, or names no co-facilitator; the message says what to do."""


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.fullmatch(name):
        raise LinkError(f"{name!r} cannot be a co-facilitator's name. {NAME_RULE}")
    return name


def names_from_option(value: str) -> list[str]:
    """``--cofacilitators``: a number (``2`` gives co-facilitator-1 and -2) or names (``Sam,Alex``)."""
    value = (value or "").strip()
    if not value:
        return []
    if value.isdigit():
        if int(value) > 10:
            raise LinkError("--cofacilitators: at most 10 links; name them if you need specific ones.")
        return [f"co-facilitator-{i}" for i in range(1, int(value) + 1)]
    names = [check_name(part) for part in value.split(",") if part.strip()]
    if len(set(names)) != len(names):
        raise LinkError("--cofacilitators names someone twice.")
    return names


def cookie_for(secret: str) -> str:
    """The device cookie a link's secret is exchanged for: derived from it, never giving it back."""
    return hmac.new(secret.encode(), b"workshop co-facilitator device", hashlib.sha256).hexdigest()


def device_key(name: str, secret: str) -> str:
    """Whose pages (kernels) these are: the person *and* their link, so that a new link for the same
    name leaves out the devices that opened the old one."""
    return f"{name}#{hashlib.sha256(secret.encode()).hexdigest()[:16]}"


class CofacilitatorLinks:
    """The co-facilitators' links of one data folder (``<data>/cofacilitators.json``, 0600)."""

    def __init__(self, data_dir: str | os.PathLike):
        self.path = Path(data_dir) / LINKS_FILE
        self._seen: tuple | None = None  # (mtime_ns, size) of the file last read
        self._links: dict[str, dict] = {}

    # Reading ----------------------------------------------------------------------------------

    def _read(self) -> dict[str, dict]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        links = json.loads(text)["links"]
        return {entry["name"]: entry for entry in links}

    def refresh(self) -> bool:
        """Read the file again if it changed since the last look; True if it did (or vanished)."""
        try:
            stat = self.path.stat()
            seen = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except FileNotFoundError:
            seen = None
        if seen == self._seen and self._seen is not None:
            return False
        self._seen = seen
        try:
            self._links = self._read()
        except (OSError, ValueError, KeyError, TypeError):
            self._links = {}  # an unreadable list lets no one in (fail closed)
        return True

    def active(self) -> dict[str, str]:
        """name -> secret of every link not revoked."""
        self.refresh()
        return {name: entry["secret"] for name, entry in self._links.items() if entry.get("secret")}

    def working_keys(self) -> set[str]:
        """The ``device_key`` of every link that works."""
        return {device_key(name, secret) for name, secret in self.active().items()}

    def everyone(self) -> dict[str, dict]:
        self.refresh()
        return dict(self._links)

    def who(self, cookie: str | None) -> str | None:
        """The co-facilitator whose device cookie this is, or None (also for a revoked link)."""
        if not cookie:
            return None
        for name, secret in self.active().items():
            if hmac.compare_digest(cookie.encode(), cookie_for(secret).encode()):
                return name
        return None

    def by_secret(self, offered: str | None) -> str | None:
        """The co-facilitator whose link carries this secret, or None."""
        if not offered:
            return None
        for name, secret in self.active().items():
            if hmac.compare_digest(offered.encode(), secret.encode()):
                return name
        return None

    # Changing -----------------------------------------------------------------------------------

    def _write(self, links: dict[str, dict]) -> None:
        # Replaced whole: the running server never reads a half-written list.
        partial = self.path.with_name(self.path.name + f".{os.getpid()}.new")
        write_private(partial, json.dumps({"links": list(links.values())}, indent=1))
        os.replace(partial, self.path)
        self._seen = None

    def add(self, name: str) -> str:
        """A new link for ``name`` (replacing any earlier one, which stops working); its secret."""
        name = check_name(name)
        links = self._read_for_change()
        secret = secrets.token_urlsafe(32)
        links[name] = {"name": name, "secret": secret, "made": _now(), "revoked": None}
        self._write(links)
        return secret

    def ensure(self, names: list[str]) -> dict[str, str]:
        """A working link for each of ``names`` (made if missing or revoked); name -> secret."""
        active = self.active()
        for name in names:
            if name not in active:
                active[name] = self.add(name)
        return {name: active[name] for name in names}

    def revoke(self, name: str) -> None:
        """``name``'s link and every device that opened it stop working."""
        links = self._read_for_change()
        if name not in links or not links[name].get("secret"):
            known = ", ".join(n for n, e in links.items() if e.get("secret")) or "none"
            raise LinkError(f"there is no working link for {name!r} (working links: {known}).")
        links[name] = {**links[name], "secret": None, "revoked": _now()}
        self._write(links)

    def _read_for_change(self) -> dict[str, dict]:
        try:
            return self._read()
        except (ValueError, KeyError, TypeError) as err:
            raise LinkError(f"{self.path} cannot be read ({err}); delete it and make new links.") from err


def home_address(data_dir: str | os.PathLike) -> str | None:
    """The facilitator home's address on the room's network, while ``serve`` runs, or None."""
    path = Path(data_dir) / HOME_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def link_for(home: str, secret: str) -> str:
    return f"{home}?token={secret}"


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
