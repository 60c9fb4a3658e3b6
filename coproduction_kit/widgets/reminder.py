"""Under a form marked ``reminder: true`` (the action plan): "Remind me", and a calendar file to download.

The participant picks when (in 2 weeks, 1 month, 3 months, or a date) and gets a link that
downloads an ``.ics`` file: one event at 9:00 that day with an alarm, its text their own words
(``core/reminder.py``).  The file is made here, in their page's kernel, and reaches their browser
as a ``data:`` link: it is never written to disk, kept in the store or logged, and works offline.
"""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.core import clock
from coproduction_kit.core.reminder import (ON_A_DATE, WHEN_CHOICES, ReminderError, data_url, reminder_day,
                                            reminder_ics, reminder_text)
from coproduction_kit.widgets.looks import own_look


class ReminderPanel(w.VBox):
    """The reminder's controls and its download link, remade whenever the text or the choice changes."""

    def __init__(self, entry: dict, config, heading: str = ""):
        self.entry, self.config, self.heading = entry, config, heading
        self._value: dict | None = None
        style = {"description_width": "initial"}
        self._when = w.Dropdown(options=WHEN_CHOICES, value=WHEN_CHOICES[1][1], description="Remind me",
                                style=style)
        self._date = own_look(w.DatePicker(description="Date of the reminder", style=style,  # shown when chosen
                                           layout=w.Layout(display="none")))
        self._link = w.HTML(layout=w.Layout(min_height="1.5em"))
        self._when.observe(self._chosen, "value")
        self._date.observe(lambda _: self._show(), "value")
        intro = w.HTML("<p class='workshop-reminder-intro'>Want a nudge later? Download your plan as a "
                       "reminder for your phone's or computer's calendar.</p>")
        super().__init__([intro, w.HBox([self._when, self._date], layout=w.Layout(flex_flow="row wrap")),
                          self._link], layout=w.Layout(margin="0.5rem 0"))
        self.add_class("workshop-reminder")
        self._show()

    @property
    def file_name(self) -> str:
        return self.entry["id"].replace(".", "-") + "-reminder.ics"

    def update(self, value: dict | None) -> None:
        """The form's answer changed (typed or restored): remake the link from it."""
        self._value = value
        self._show()

    def _chosen(self, change) -> None:
        self._date.layout.display = "" if change["new"] == ON_A_DATE else "none"
        self._show()

    def made(self):
        """The reminder's day and calendar file for the current text and choice.

        Raises ``ReminderError`` saying what is missing (the text, a date) in plain words.
        """
        day = reminder_day(self._when.value, clock.now(self.config).date(), self._date.value)
        return day, reminder_ics(reminder_text(self.entry["fields"], self._value), day,
                                 self.config.timezone, self.heading)

    def _show(self) -> None:
        try:
            day, ics = self.made()
        except ReminderError as why:
            self._link.value = f"<p class='workshop-status'>{html.escape(str(why))}</p>"
            return
        self._link.value = (
            f"<p><a download='{self.file_name}' href='{data_url(ics)}'>Download the reminder "
            f"for {day:%A %d %B %Y} (.ics)</a></p>"
            "<p class='workshop-status'>Made only on this page, from your text: the workshop keeps no "
            "copy of the reminder file.</p>"
        )

    def set_disabled(self, disabled: bool) -> None:
        self._when.disabled = self._date.disabled = disabled
