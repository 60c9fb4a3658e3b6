"""Several labelled text boxes under one prompt (a positionality statement, an action plan)."""

from __future__ import annotations

import ipywidgets as w

from coproduction_kit.widgets.exercise import Exercise


class Form(Exercise):
    """The answer maps each field id to its text; empty fields are left out."""

    def _build_input(self) -> w.Widget:
        self._fields = {}
        rows = []
        for field in self.entry["fields"]:
            box = w.Textarea(
                value="",
                description=field["label"],
                placeholder=field.get("hint", ""),
                continuous_update=True,
                rows=2,
                style={"description_width": "initial"},
                layout=w.Layout(width="100%"),
            )
            box.observe(self._typed, "value")
            self._fields[field["id"]] = box
            rows.append(box)
        return w.VBox(rows, layout=w.Layout(width="100%"))

    def _typed(self, _change):
        filled = {field_id: box.value for field_id, box in self._fields.items() if box.value.strip()}
        self.value = filled or None

    def _show_value(self, value) -> None:
        for field_id, text in (value or {}).items():
            if field_id in self._fields:
                self._fields[field_id].value = text

    def _set_disabled(self, disabled: bool) -> None:
        for box in self._fields.values():
            box.disabled = disabled
