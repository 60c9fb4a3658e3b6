"""The power map: roles placed by hand on two axes, formal authority and recognised expertise.

The participant drags each role onto the map (touch or mouse) or moves it with the arrow keys
(``power_map_board.py``); a role counts as placed once it is on the map.  Participants can add
roles of their own: a new role starts in the middle of the map.  A second map (``compare_with`` in
the curriculum) starts where the first one left off, shows the earlier positions with an arrow to
each role's new place, and says, role by role, what moved.  The list under the map says every
position in words, so the picture is never the only way to read it.
"""

from __future__ import annotations

import ipywidgets as w

from coproduction_kit.widgets.exercise import Exercise
from coproduction_kit.widgets.kinds.power_map_board import TOP, PowerMapBoard, role_name


class PowerMap(Exercise):
    """The answer maps each placed role to ``[authority, expertise]``, whole numbers from 0 to 10."""

    _restoring_map = False  # True while saved positions are put back: not the participant moving

    def _build_input(self) -> w.Widget:
        self._board = PowerMapBoard(roles=list(self.entry["roles"]))
        self._board.observe(lambda _: self._moved(), "positions")
        self._new_role = w.Text(description="Add a role", placeholder="e.g. peer support worker",
                                style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self._add = w.Button(description="Add this role", tooltip="It starts in the middle of the map")
        self._add.on_click(lambda _: self._add_custom())
        self._new_role.on_submit(lambda _: self._add_custom())
        return w.VBox([self._board, w.HBox([self._new_role, self._add], layout=w.Layout(flex_flow="row wrap"))],
                      layout=w.Layout(width="100%"))

    def _add_custom(self):
        role = role_name(self._new_role.value)
        self._new_role.value = ""
        if not role or self._board.disabled:
            return
        if role not in self._board.roles:
            self._board.roles = [*self._board.roles, role]
        if role in self._board.roles and role not in self._board.positions:  # a 41st role is refused
            self._board.positions = {**self._board.positions, role: [TOP // 2, TOP // 2]}

    def _moved(self):
        if self._restoring_map:
            return
        earlier = self._earlier()
        if earlier is not None:  # the first map may have changed since this page opened
            self._board.before = earlier
        self.value = dict(self._board.positions)

    def _show_value(self, value) -> None:
        self._restoring_map = True
        try:
            value = value if isinstance(value, dict) else {}
            self._board.roles = [*self._board.roles, *(role for role in value if role not in self._board.roles)]
            self._board.positions = value
        finally:
            self._restoring_map = False

    def _participant_known(self) -> None:
        earlier = self._earlier()
        if earlier:
            self._board.before = earlier
            if self.value is None:  # the second map starts where the first one left off
                self._show_value(earlier)
                self.value = dict(self._board.positions)

    def _set_disabled(self, disabled: bool) -> None:
        self._board.disabled = self._new_role.disabled = self._add.disabled = disabled

    def _earlier(self) -> dict | None:
        earlier_id = self.entry.get("compare_with")
        if not earlier_id or not self.session.can_save:
            return None
        answer = self.session.store.get_answer(self.session.participant, earlier_id.split(".")[0], earlier_id)
        return answer.value if answer and isinstance(answer.value, dict) else None
