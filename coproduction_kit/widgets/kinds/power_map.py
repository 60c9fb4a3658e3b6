"""The power map: roles placed on two axes, formal authority and recognised expertise.

Each role has two labelled sliders (0 to 10, arrow keys work); the chart beside them redraws as
they move.  A role counts as placed once either slider is moved.  Participants can add roles of
their own.  A second map (``compare_with`` in the curriculum) shows the earlier positions and
says, role by role, what moved.  Every point is numbered and listed in words, so the chart is
never the only way to read it.
"""

from __future__ import annotations

import ipywidgets as w

from coproduction_kit.core.charts import TOP, power_chart
from coproduction_kit.widgets.exercise import Exercise


class PowerMap(Exercise):
    """The answer maps each placed role to ``[authority, expertise]``."""

    _restoring_map = False  # True while saved positions are put back: not the participant moving

    def _build_input(self) -> w.Widget:
        self._rows = w.VBox()
        self._sliders: dict[str, tuple[w.IntSlider, w.IntSlider]] = {}
        self._touched: set[str] = set()
        for role in self.entry["roles"]:
            self._add_row(role)
        self._new_role = w.Text(description="Add a role", placeholder="e.g. peer support worker",
                                style={"description_width": "initial"})
        self._add = w.Button(description="Add this role")
        self._add.on_click(lambda _: self._add_custom())
        self._chart = w.HTML()
        self._draw()
        return w.VBox([self._chart, self._rows, w.HBox([self._new_role, self._add])],
                      layout=w.Layout(width="100%"))

    def _add_row(self, role: str):
        sliders = []
        for axis in ("formal authority", "recognised expertise"):
            slider = w.IntSlider(value=5, min=0, max=TOP, description=f"{role}: {axis}",
                                 style={"description_width": "initial"}, layout=w.Layout(width="100%"),
                                 continuous_update=False)
            slider.observe(lambda _, r=role: self._moved(r), "value")
            sliders.append(slider)
        self._sliders[role] = tuple(sliders)
        self._rows.children = [*self._rows.children, w.VBox(sliders, layout=w.Layout(margin="0 0 0.5rem 0"))]

    def _add_custom(self):
        role = " ".join(self._new_role.value.split())[:60]
        if role and role not in self._sliders:
            self._add_row(role)
            self._moved(role)
        self._new_role.value = ""

    def _moved(self, role: str):
        if self._restoring_map:
            return
        self._touched.add(role)
        self.value = {r: [a.value, e.value] for r, (a, e) in self._sliders.items() if r in self._touched}
        self._draw()

    def _show_value(self, value) -> None:
        self._restoring_map = True
        try:
            for role, (authority, expertise) in (value or {}).items():
                if role not in self._sliders:
                    self._add_row(role)
                self._sliders[role][0].value, self._sliders[role][1].value = authority, expertise
                self._touched.add(role)
        finally:
            self._restoring_map = False
        self._draw()

    def _participant_known(self) -> None:
        earlier = self._earlier()
        if earlier and self.value is None:  # the second map starts where the first one left off
            self._show_value(earlier)
            self.value = dict(earlier)
        self._draw()

    def _set_disabled(self, disabled: bool) -> None:
        for pair in self._sliders.values():
            for slider in pair:
                slider.disabled = disabled
        self._new_role.disabled = self._add.disabled = disabled

    def _earlier(self) -> dict | None:
        earlier_id = self.entry.get("compare_with")
        if not earlier_id or not self.session.can_save:
            return None
        answer = self.session.store.get_answer(self.session.participant, earlier_id.split(".")[0], earlier_id)
        return answer.value if answer and isinstance(answer.value, dict) else None

    def _draw(self):
        placed = self.value if isinstance(self.value, dict) else {}
        points = [(role, a, e) for role, (a, e) in placed.items()]
        before = self._earlier()
        caption = "Your map now, with your earlier positions as dashed circles" if before else "Your map"
        self._chart.value = power_chart(points, before, caption)
