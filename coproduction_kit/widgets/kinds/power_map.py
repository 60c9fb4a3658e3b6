"""The power map: roles placed on two axes, formal authority and recognised expertise.

Each role has two labelled sliders (0 to 10, arrow keys work); the chart beside them redraws as
they move.  A role counts as placed once either slider is moved.  Participants can add roles of
their own.  A second map (``compare_with`` in the curriculum) shows the earlier positions and
says, role by role, what moved.  Every point is numbered and listed in words, so the chart is
never the only way to read it.
"""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.widgets.exercise import Exercise

SIZE, PAD, TOP = 320, 40, 10  # chart size in px, room for axis labels, scale maximum


def _xy(authority: float, expertise: float) -> tuple[float, float]:
    span = SIZE - 2 * PAD
    return PAD + span * authority / TOP, SIZE - PAD - span * expertise / TOP


def power_chart(points: list[tuple[str, float, float]], before: dict | None = None, caption: str = "") -> str:
    """An inline SVG of numbered points, earlier positions hollow with a line to the new one, and
    the same information as a list (the text alternative)."""
    shapes = [
        f'<line x1="{PAD}" y1="{SIZE - PAD}" x2="{SIZE - PAD}" y2="{SIZE - PAD}" stroke="#333"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{SIZE - PAD}" stroke="#333"/>',
        f'<text x="{SIZE / 2}" y="{SIZE - 8}" text-anchor="middle" font-size="13">Formal authority →</text>',
        f'<text x="14" y="{SIZE / 2}" text-anchor="middle" font-size="13" '
        f'transform="rotate(-90 14 {SIZE / 2})">Recognised expertise →</text>',
    ]
    items = []
    for number, (role, authority, expertise) in enumerate(points, start=1):
        x, y = _xy(authority, expertise)
        text = f"{html.escape(role)}: authority {authority:g}, expertise {expertise:g}"
        if before and role in before:
            bx, by = _xy(*before[role])
            shapes.append(f'<circle cx="{bx:.1f}" cy="{by:.1f}" r="9" fill="none" stroke="#555" stroke-dasharray="3 2"/>'
                          f'<line x1="{bx:.1f}" y1="{by:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#555"/>')
            if tuple(before[role]) != (authority, expertise):
                text += f" (was authority {before[role][0]:g}, expertise {before[role][1]:g})"
        shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="#1f5f8b"/>'
                      f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="12" fill="#fff">{number}</text>')
        items.append(f"<li>{text}</li>")
    label = html.escape(caption or "Power map")
    return (
        f'<figure class="workshop-power-map"><svg role="img" aria-label="{label}: see the numbered list" '
        f'viewBox="0 0 {SIZE} {SIZE}" style="width:100%;max-width:{SIZE}px">{"".join(shapes)}</svg>'
        f'<figcaption>{label}</figcaption><ol>{"".join(items) or "<li>No roles placed yet.</li>"}</ol></figure>'
    )


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
