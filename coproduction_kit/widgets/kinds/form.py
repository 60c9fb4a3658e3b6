"""Several labelled text boxes under one prompt (a positionality statement, an action plan).

A form marked ``reminder: true`` in the curriculum also offers its text as a calendar reminder to
download (``widgets/reminder.py``), made in the page and kept nowhere.
"""

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
        self._reminder = None
        if self.entry.get("reminder"):
            from coproduction_kit.core.curriculum import load_curriculum
            from coproduction_kit.widgets.reminder import ReminderPanel

            config = self.session.config
            title = load_curriculum(config.curriculum_dir).title(self.module_id)
            self._reminder = ReminderPanel(self.entry, config, heading=f"From the workshop: {title}")
            rows.append(self._reminder)
        return w.VBox(rows, layout=w.Layout(width="100%"))

    def _typed(self, _change):
        filled = {field_id: box.value for field_id, box in self._fields.items() if box.value.strip()}
        self.value = filled or None
        if self._reminder is not None:
            self._reminder.update(self.value)

    def _show_value(self, value) -> None:
        for field_id, text in (value or {}).items():
            if field_id in self._fields:
                self._fields[field_id].value = text
        if self._reminder is not None:
            self._reminder.update(value)

    def _set_disabled(self, disabled: bool) -> None:
        for box in self._fields.values():
            box.disabled = disabled
