"""Sort items into categories (scenarios onto a ladder, situations into kinds of power).

Under each item is a row of category buttons: a tap (or a click, or Tab then Enter or Space)
places the item there, and a tap on another button moves it.  The buttons are at least 44 pixels
high and wrap onto more rows on a narrow phone.  Once an item is placed, a line says where it is
(read out by screen readers, since the chosen button is shown by its look alone) and its
discussion note appears, which may say that the item could fit more than one category.  Under the
list, a summary says which items are in each category.  Nothing is scored.
"""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.widgets.exercise import Exercise


class Sort(Exercise):
    """The answer is a mapping from item id to the chosen category."""

    def _build_input(self) -> w.Widget:
        categories = list(self.entry["categories"])
        # One layout and one style for every row of buttons: fewer models for the page to load.
        layout, style = w.Layout(width="100%"), w.ToggleButtonsStyle(description_width="initial")
        self._pickers, self._notes, rows = {}, {}, []
        for number, item in enumerate(self.entry["items"], start=1):
            text = w.HTML(f'<p class="workshop-sort-item"><strong>{number}.</strong> {html.escape(item["text"])}</p>')
            picker = w.ToggleButtons(options=categories, value=None, description=f"Place item {number} in",
                                     layout=layout, style=style)
            picker.add_class("workshop-choice-buttons")
            picker.observe(self._placed, "value")
            note = w.HTML()
            note.add_class("workshop-sort-note")
            self._pickers[item["id"]] = picker
            self._notes[item["id"]] = note
            rows.append(w.VBox([text, picker, note], layout=w.Layout(margin="0 0 0.75rem 0")))
        self._summary = w.HTML()
        return w.VBox([*rows, self._summary], layout=w.Layout(width="100%"))

    def _placed(self, _change):
        placed = {item_id: p.value for item_id, p in self._pickers.items() if p.value is not None}
        self.value = placed or None
        self._after_answer()

    def _show_value(self, value) -> None:
        for item_id, category in (value or {}).items():
            picker = self._pickers.get(item_id)
            if picker is not None and category in self.entry["categories"]:
                picker.value = category

    def _set_disabled(self, disabled: bool) -> None:
        for picker in self._pickers.values():
            picker.disabled = disabled

    def _after_answer(self) -> None:
        placed = {} if self.passed else (self.value or {})
        for number, item in enumerate(self.entry["items"], start=1):
            category = placed.get(item["id"])
            self._notes[item["id"]].value = (
                f'<p class="workshop-placed" role="status">Item {number} is in '
                f'<strong>{html.escape(category)}</strong>. Tap another button to move it.</p>'
                f'<div class="workshop-feedback" role="note"><strong>To discuss:</strong> {html.escape(item["note"])}</div>'
                if category else ""
            )
        self._summary.value = self._summary_markup(placed)

    def _summary_markup(self, placed: dict) -> str:
        if not placed:
            return ""
        numbers = {item["id"]: number for number, item in enumerate(self.entry["items"], start=1)}
        lines = "".join(
            f"<li>{html.escape(category)}: "
            f"{', '.join(str(numbers[i]) for i in numbers if placed.get(i) == category) or 'none'}</li>"
            for category in self.entry["categories"]
        )
        return (f'<div class="workshop-summary"><p><strong>Your sort</strong> ({len(placed)} of {len(numbers)} '
                f"placed; item numbers by category):</p><ul>{lines}</ul></div>")
