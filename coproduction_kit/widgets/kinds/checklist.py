"""Several options to tick, such as the community agreements a participant would keep."""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.widgets.exercise import Exercise


class Checklist(Exercise):
    """A prompt with options to tick; the answer is the list of ticked options, in their order."""

    def _build_input(self) -> w.Widget:
        self._boxes = [
            w.Checkbox(value=False, description=option, indent=False, layout=w.Layout(width="auto"))
            for option in self.entry["options"]
        ]
        for box in self._boxes:
            box.observe(self._ticked, "value")
        self._feedback = w.HTML()
        return w.VBox(self._boxes, layout=w.Layout(width="100%"))

    def _layout_children(self):
        return [self._prompt_html, self._input, self._feedback, self._pass, self._share, self._status]

    def _ticked(self, _change):
        self.value = [box.description for box in self._boxes if box.value]

    def _show_value(self, value) -> None:
        chosen = set(value or [])
        for box in self._boxes:
            box.value = box.description in chosen

    def _set_disabled(self, disabled: bool) -> None:
        for box in self._boxes:
            box.disabled = disabled

    def _after_answer(self) -> None:
        note = self.entry.get("feedback")
        if note and self.value and not self.passed:
            self._feedback.value = (
                f'<div class="workshop-feedback" role="note"><strong>To discuss:</strong> {html.escape(note)}</div>'
            )
