"""Sort items into categories (scenarios onto a ladder, situations into kinds of power).

Each item gets its own labelled drop-down; once an item is placed, its discussion note appears,
which may say that the item could fit more than one category.  Nothing is scored.
"""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.widgets.exercise import Exercise

NOT_PLACED = "Choose…"


class Sort(Exercise):
    """The answer is a mapping from item id to the chosen category."""

    def _build_input(self) -> w.Widget:
        categories = list(self.entry["categories"])
        self._pickers, self._notes, rows = {}, {}, []
        for number, item in enumerate(self.entry["items"], start=1):
            text = w.HTML(f'<p class="workshop-sort-item"><strong>{number}.</strong> {html.escape(item["text"])}</p>')
            picker = w.Dropdown(
                options=[(NOT_PLACED, None)] + [(c, c) for c in categories],
                value=None,
                description=f"Item {number} goes in",
                style={"description_width": "initial"},
                layout=w.Layout(width="auto"),
            )
            picker.observe(self._placed, "value")
            note = w.HTML()
            self._pickers[item["id"]] = picker
            self._notes[item["id"]] = note
            rows.append(w.VBox([text, picker, note], layout=w.Layout(margin="0 0 0.75rem 0")))
        return w.VBox(rows, layout=w.Layout(width="100%"))

    def _placed(self, _change):
        placed = {item_id: p.value for item_id, p in self._pickers.items() if p.value is not None}
        self.value = placed or None

    def _show_value(self, value) -> None:
        for item_id, category in (value or {}).items():
            picker = self._pickers.get(item_id)
            if picker is not None and category in self.entry["categories"]:
                picker.value = category

    def _set_disabled(self, disabled: bool) -> None:
        for picker in self._pickers.values():
            picker.disabled = disabled

    def _after_answer(self) -> None:
        for item in self.entry["items"]:
            placed = (self.value or {}).get(item["id"])
            self._notes[item["id"]].value = (
                f'<div class="workshop-feedback" role="note"><strong>To discuss:</strong> {html.escape(item["note"])}</div>'
                if placed and not self.passed else ""
            )
