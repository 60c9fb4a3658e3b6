"""The action plan as a calendar reminder: an .ics file that calendars read back, made in the page only."""

import base64
import logging
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from coproduction_kit.core.reminder import ON_A_DATE, ReminderError, reminder_day, reminder_ics, reminder_text
from coproduction_kit.widgets.kinds.form import Form
from coproduction_kit.widgets.session import Session

PLAN = "closing.action-plan"


def downloaded(form: Form) -> bytes:
    """The file behind the form's download link, as the browser would save it."""
    link = form._reminder._link.value
    data = re.search(r"href='data:text/calendar;charset=utf-8;base64,([A-Za-z0-9+/=]+)'", link).group(1)
    assert re.search(r"download='closing-action-plan-reminder\.ics'", link)
    return base64.b64decode(data)


def only_event(ics: bytes):
    calendar = Calendar.from_ical(ics)
    assert len(calendar.events) == 1
    return calendar, calendar.events[0]


def test_the_file_parses_back_with_the_text_an_alarm_and_the_workshop_time_zone():
    lines = [("One thing I will do differently", "Open each meeting with a check-in; ask who is paid, and how."),
             ("When", "At the next team meeting\nand after")]
    ics = reminder_ics(lines, date(2027, 7, 1), "America/Toronto", "From the workshop: Closing")
    calendar, event = only_event(ics)
    assert event.start == datetime(2027, 7, 1, 9, 0, tzinfo=ZoneInfo("America/Toronto"))
    assert event.start.utcoffset() == timedelta(hours=-4)  # summer time in Toronto
    assert event.end - event.start == timedelta(minutes=15)
    assert [t.tz_name for t in calendar.timezones] == ["America/Toronto"]
    assert str(event["SUMMARY"]) == "Reminder: Open each meeting with a check-in; ask who is paid, and how."
    description = str(event["DESCRIPTION"])
    assert description.startswith("From the workshop: Closing\n\n")
    assert "When: At the next team meeting\nand after" in description
    (alarm,) = event.alarms.times
    assert alarm.trigger == event.start
    assert str(event.subcomponents[0]["ACTION"]) == "DISPLAY"


def test_with_no_time_zone_named_the_reminder_is_at_nine_wherever_the_calendar_is():
    calendar, event = only_event(reminder_ics([("Plan", "x")], date(2027, 3, 1)))
    assert event.start == datetime(2027, 3, 1, 9, 0) and event.start.tzinfo is None
    assert calendar.timezones == [] and b"TZID" not in reminder_ics([("Plan", "x")], date(2027, 3, 1))


def test_a_long_first_line_makes_a_short_summary_and_the_whole_text_stays_in_the_description():
    long = "word " * 20_000  # 100,000 characters
    _, event = only_event(reminder_ics([("Plan", long.strip())], date(2027, 3, 1)))
    assert len(str(event["SUMMARY"])) < 80 and str(event["SUMMARY"]).endswith(" …")
    assert str(event["DESCRIPTION"]) == "Plan: " + long.strip()


def test_when_counts_from_today_on_the_room_clock_and_a_chosen_date_is_checked():
    today = date(2027, 1, 31)
    assert reminder_day("2w", today) == date(2027, 2, 14)
    assert reminder_day("1m", today) == date(2027, 2, 28)  # no 31 February: the month's last day
    assert reminder_day("3m", today) == date(2027, 4, 30)
    assert reminder_day("3m", date(2027, 11, 15)) == date(2028, 2, 15)
    assert reminder_day(ON_A_DATE, today, date(2027, 5, 4)) == date(2027, 5, 4)
    for chosen, says in [(None, "Choose the date"), (today, "after today"), (date(2020, 1, 1), "after today"),
                         (date(2035, 1, 1), "within the next three years")]:
        with pytest.raises(ReminderError, match=says):
            reminder_day(ON_A_DATE, today, chosen)
    with pytest.raises(ReminderError, match="Write your plan first"):
        reminder_ics([], date(2027, 3, 1))


def test_only_filled_fields_go_in_in_the_form_order(curriculum):
    fields = curriculum.exercise(PLAN)["fields"]
    lines = reminder_text(fields, {"support": "a budget", "action": "  check-ins  ", "when": "   "})
    assert lines == [("One thing I will do differently", "check-ins"), ("What would help", "a budget")]


def test_the_action_plan_offers_the_download_once_written_in_the_workshop_time_zone(workshop, store, curriculum):
    workshop.timezone = "Pacific/Auckland"
    participant, _ = store.add_participant(workshop.workshop_id, "kea-4")
    form = Form(PLAN, session=Session("participant", workshop, store, participant))
    assert "Write your plan first" in form._reminder._link.value and "href" not in form._reminder._link.value
    form._fields["action"].value = "Ask <b>who</b> is paid & when"
    form._reminder._when.value = "2w"
    _, event = only_event(downloaded(form))
    today = datetime.now(ZoneInfo("Pacific/Auckland")).date()
    assert event.start == datetime.combine(today + timedelta(days=14), datetime.min.time().replace(hour=9),
                                           ZoneInfo("Pacific/Auckland"))
    assert "One thing I will do differently: Ask <b>who</b> is paid & when" in str(event["DESCRIPTION"])
    assert curriculum.title("closing") in str(event["DESCRIPTION"])
    # The page shows no raw markup from the answer: the text is only inside the base64 link.
    assert "<b>who</b>" not in form._reminder._link.value

    form._reminder._when.value = ON_A_DATE
    assert "Choose the date" in form._reminder._link.value
    form._reminder._date.value = today + timedelta(days=40)
    _, event = only_event(downloaded(form))
    assert event.start.date() == today + timedelta(days=40)


def test_a_restored_plan_offers_its_reminder_at_once(participant_session):
    participant_session.store.save_answer(participant_session.participant, "closing", PLAN, {"action": "check-ins"})
    form = Form(PLAN, session=participant_session)
    _, event = only_event(downloaded(form))
    assert "check-ins" in str(event["DESCRIPTION"])


def test_a_form_without_reminder_offers_none(participant_session):
    form = Form("orientation.positionality", session=participant_session)
    assert form._reminder is None


def test_making_the_reminder_keeps_no_copy_on_the_server(workshop, participant_session, caplog):
    """The file is made in the page's kernel and handed to the browser: no file, no store row, no log."""
    form = Form(PLAN, session=participant_session)
    form._fields["action"].value = "a plan only I should read"
    store = participant_session.store
    saved = store.get_answer(participant_session.participant, "closing", PLAN)
    data = Path(workshop.data_dir)
    files_before = {p: p.stat().st_mtime_ns for p in data.rglob("*") if p.is_file()}
    caplog.set_level(logging.DEBUG)
    for choice in ("2w", "1m", "3m"):
        form._reminder._when.value = choice
        assert b"a plan only I should read" in downloaded(form)
    files_after = {p: p.stat().st_mtime_ns for p in data.rglob("*") if p.is_file()}
    assert files_after == files_before  # nothing written: not the store, not a file, not a log
    assert store.get_answer(participant_session.participant, "closing", PLAN).revision == saved.revision
    assert not any(p.suffix == ".ics" for p in data.rglob("*"))
    assert not any("a plan only" in record.getMessage() for record in caplog.records)
