"""A rating on a short scale, with its two ends labelled in words."""

from __future__ import annotations

import ipywidgets as w

from coproduction_kit.widgets.exercise import Exercise


class Scale(Exercise):
    """A prompt and one choice per point of the scale; the answer is the chosen number."""

    def _build_input(self) -> w.Widget:
        spec = self.entry["scale"]
        low, high = int(spec["min"]), int(spec["max"])
        options = []
        for point in range(low, high + 1):
            label = str(point)
            if point == low:
                label += f" ({spec['min_label']})"
            elif point == high:
                label += f" ({spec['max_label']})"
            options.append((label, point))
        buttons = w.RadioButtons(
            options=options,
            index=None,
            description="Your rating",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        buttons.observe(self._rated, "value")
        return buttons

    def _rated(self, change):
        self.value = change["new"]

    def _show_value(self, value) -> None:
        if value in [v for _, v in self._input.options]:
            self._input.value = value
