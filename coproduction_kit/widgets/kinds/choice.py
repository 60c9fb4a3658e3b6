"""Single choice, and a discussion note once answered (never a score)."""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.widgets.exercise import Exercise


class Choice(Exercise):
    """A prompt with options from the curriculum; the answer is the chosen option's text."""

    def _build_input(self) -> w.Widget:
        buttons = w.RadioButtons(
            options=list(self.entry["options"]),
            index=None,
            description="Your choice",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        buttons.observe(self._chosen, "value")
        self._feedback = w.HTML()
        return buttons

    def _layout_children(self):
        return [self._prompt_html, self._input, self._feedback, self._pass, self._share, self._status]

    def _chosen(self, change):
        self.value = change["new"]

    def _show_value(self, value) -> None:
        if value in self._input.options:
            self._input.value = value

    def _after_answer(self) -> None:
        note = self.entry.get("feedback")
        if note and self.value is not None and not self.passed:
            self._feedback.value = (
                '<div class="workshop-feedback" role="note"><strong>To discuss:</strong> '
                f"{html.escape(note)}</div>"
            )
