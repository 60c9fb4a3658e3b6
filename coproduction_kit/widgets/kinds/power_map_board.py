"""The map a participant places roles on by hand: a square, formal authority across, recognised expertise up.

Each role is a button with its name.  A finger or a mouse drags it onto the map; a tap (or Enter)
puts a waiting role in the middle; the arrow keys move the focused role a step (with Shift, three),
Delete takes it back off.  Roles not placed yet wait in a tray beside the map (under it on a phone).
A second map shows the earlier positions as dashed circles with an arrow to where each role is now.
Under the map the same, in words, for screen readers and everyone: each role, its place, and what
moved.  The drawing is ``power_map_board.js`` with ``power_map_board.css``, shipped in the package
and sent with the widget, so the page fetches nothing from elsewhere (anywidget's front-end
extension comes from the workshop server).

Whatever the browser sends is checked here before anyone reads it: positions outside 0 to 10 are
brought back to the nearest edge, anything not a number is refused, a role not on this map is
dropped.
"""

from __future__ import annotations

import math
from numbers import Real
from pathlib import Path

import anywidget
from traitlets import Bool, Dict, List, Unicode, validate

TOP = 10  # the scale's maximum: positions are whole numbers from 0 to 10, as the answers have always been
MOST_ROLES = 40  # the curriculum's roles and a participant's own, with room to spare
ROLE_CHARS = 60
HERE = Path(__file__).parent


def role_name(text: str) -> str:
    """A role as typed, tidied: one space between words, no control characters, at most 60 characters."""
    printable = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return " ".join(printable.split())[:ROLE_CHARS].strip()


def position(value) -> list[int] | None:
    """``[authority, expertise]`` as whole numbers within 0 to 10, or None if ``value`` is not two numbers."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    if not all(isinstance(n, Real) and not isinstance(n, bool) and math.isfinite(n) for n in value):
        return None
    return [min(TOP, max(0, round(n))) for n in value]


def clean_positions(sent, roles: list[str], kept: dict | None = None) -> dict[str, list[int]]:
    """The positions ``sent`` by the browser that can be kept, in the order of ``roles``.

    A role not in ``roles`` is dropped; a position that is not two numbers keeps the role where it
    was in ``kept`` (or leaves it unplaced); numbers are rounded and brought within 0 to 10.
    """
    sent = sent if isinstance(sent, dict) else {}
    kept = kept or {}
    cleaned = {}
    for role in roles:
        if role in sent:
            spot = position(sent[role])
            if spot is None and role in kept:
                spot = position(kept[role])
            if spot is not None:
                cleaned[role] = spot
    return cleaned


class PowerMapBoard(anywidget.AnyWidget):
    """The map itself (no saving): ``positions`` changes as the participant places roles."""

    _esm = HERE / "power_map_board.js"
    _css = HERE / "power_map_board.css"

    roles = List(Unicode(), help="Every role on offer, in order: the curriculum's, then the participant's own.").tag(
        sync=True)
    positions = Dict(help="Placed roles: role -> [formal authority, recognised expertise], whole numbers 0 to 10.").tag(
        sync=True)
    before = Dict(help="The earlier map's positions (a second map), drawn dashed with arrows; read-only.").tag(
        sync=True)
    disabled = Bool(False, help="True while the map cannot be changed (passed, or the page is not yet anyone's).").tag(
        sync=True)

    @validate("roles")
    def _valid_roles(self, proposal):
        names = []
        for role in proposal["value"]:
            name = role_name(role)
            if name and name not in names:
                names.append(name)
        return names[:MOST_ROLES]

    _kept: dict = {}  # the positions last accepted (while the browser's state is set, the trait holds it raw)

    @validate("positions")
    def _valid_positions(self, proposal):
        self._kept = clean_positions(proposal["value"], self.roles, self._kept)
        return self._kept

    @validate("before")
    def _valid_before(self, proposal):
        value = proposal["value"] if isinstance(proposal["value"], dict) else {}
        return {role: spot for role, spot in ((r, position(v)) for r, v in value.items()) if spot is not None}
