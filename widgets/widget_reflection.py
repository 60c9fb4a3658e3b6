"""Free-text reflection: a text box that saves itself as the participant types."""

from __future__ import annotations

import ipywidgets as w

from .exercise import Exercise


class Reflection(Exercise):
    """A prompt and a text box; the answer is the text, or None before anything is typed."""

    def _build_input(self) -> w.Widget:
        box = w.Textarea(
            value="",
            placeholder="Type your answer here. It saves itself as you go.",
            description="Your answer",
            continuous_update=True,
            rows=5,
            style={"description_width": "initial"},
            layout=w.Layout(width="100%"),
        )
        box.observe(self._typed, "value")
        return box

    def _typed(self, change):
        self.value = change["new"]

    def _show_value(self, value) -> None:
        self._input.value = value or ""
