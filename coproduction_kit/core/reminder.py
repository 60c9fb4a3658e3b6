"""A calendar reminder of what a participant wrote (an action plan), as an ``.ics`` file (RFC 5545).

A form exercise marked ``reminder: true`` in the curriculum offers it under its fields: the
participant picks when (in two weeks, a month, three months, or a date of their own) and downloads
one calendar event at 9:00 that day, with an alarm at its start, whose description is their text.
The file is made in the participant's own kernel and handed to their page as a ``data:`` link
(``widgets/reminder.py``); it is never written to disk, kept or logged.

Times follow the workshop's time zone (``WorkshopConfig.timezone``): "in two weeks" counts from
today on the room's clock, and the event is at 9:00 in that zone (its ``VTIMEZONE`` is in the
file).  With no zone named, the event is at 9:00 in whatever zone the participant's calendar uses
(a floating time, RFC 5545 §3.3.12).
"""

from __future__ import annotations

import base64
import calendar
import uuid
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

ON_A_DATE = "date"
# (what the participant reads, the choice's value): how far ahead to be reminded.
WHEN_CHOICES = [
    ("In 2 weeks", "2w"),
    ("In 1 month", "1m"),
    ("In 3 months", "3m"),
    ("On a date I choose", ON_A_DATE),
]
AT = time(9, 0)  # the reminder's hour, on the chosen day
LASTS = timedelta(minutes=15)
FURTHEST = 3 * 366  # days ahead a reminder may be: a date further off is more likely a typing slip
SUMMARY_CHARS = 60
PRODID = "-//Co-production workshop kit//Reminder//EN"


class ReminderError(ValueError):
    """A reminder that cannot be made; its message is one plain sentence for the participant."""


def _months_later(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 January + 1 month: 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_day(choice: str, today: date, chosen: date | None = None) -> date:
    """The day a choice of ``WHEN_CHOICES`` means, counted from ``today``; a chosen date is checked."""
    if choice == "2w":
        return today + timedelta(days=14)
    if choice == "1m":
        return _months_later(today, 1)
    if choice == "3m":
        return _months_later(today, 3)
    if choice != ON_A_DATE:
        raise ReminderError(f"There is no reminder choice {choice!r}.")
    if chosen is None:
        raise ReminderError("Choose the date you want to be reminded on.")
    if chosen <= today:
        raise ReminderError("Choose a date after today.")
    if chosen > today + timedelta(days=FURTHEST):
        raise ReminderError("Choose a date within the next three years.")
    return chosen


def reminder_text(fields: list[dict], value: dict | None) -> list[tuple[str, str]]:
    """The filled fields of a form answer, in the form's order, as (label, text)."""
    value = value or {}
    return [(field["label"], str(value[field["id"]]).strip()) for field in fields
            if str(value.get(field["id"]) or "").strip()]


def _summary(lines: list[tuple[str, str]]) -> str:
    first = " ".join(lines[0][1].split())
    if len(first) > SUMMARY_CHARS:
        first = first[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"
    return f"Reminder: {first}"


def reminder_ics(lines: list[tuple[str, str]], day: date, zone_name: str = "", heading: str = "",
                 stamp: datetime | None = None) -> bytes:
    """One event at 9:00 on ``day`` with an alarm at its start; its description is ``lines``.

    ``zone_name`` is the workshop's time zone (empty: a floating time); ``heading`` a line put
    before the text (where it was written, e.g. the module's title).  Nothing that names the
    participant goes in the file.
    """
    from icalendar import Alarm, Calendar, Event

    if not lines:
        raise ReminderError("Write your plan first: the reminder is made from it.")
    start = datetime.combine(day, AT, ZoneInfo(zone_name) if zone_name else None)
    description = "\n\n".join([*([heading] if heading else []), *(f"{label}: {text}" for label, text in lines)])
    event = Event.new(
        summary=_summary(lines), description=description, start=start, end=start + LASTS,
        stamp=stamp or datetime.now(timezone.utc), uid=f"{uuid.uuid4()}@coproduction-workshop-kit",
    )
    alarm = Alarm.new(description=_summary(lines))
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    cal = Calendar.new(prodid=PRODID, subcomponents=[event])
    if zone_name:  # the zone's rules around that day only: a short file
        cal.add_missing_timezones(first_date=day - timedelta(days=366), last_date=day + timedelta(days=366))
    return cal.to_ical()


def data_url(ics: bytes) -> str:
    """The file as a ``data:`` link a page can offer for download (nothing is fetched or kept)."""
    return "data:text/calendar;charset=utf-8;base64," + base64.b64encode(ics).decode("ascii")
