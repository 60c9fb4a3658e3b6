"""In Chromium: the closing action plan downloads as a calendar reminder that calendars can read."""

from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from icalendar import Calendar

from coproduction_kit.core.reminder import reminder_day
from tests.helpers import choose_pseudonym

pytestmark = pytest.mark.browser
TIMEOUT = 90_000  # ms: a page starts a kernel on a 2-core machine
PLAN = "Ask who is paid for their time, at the next <b>team</b> meeting"


def test_the_action_plan_downloads_as_a_calendar_reminder_from_the_page(chromium, voila_server, tmp_path):
    context = chromium.new_context(viewport={"width": 412, "height": 915}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        choose_pseudonym(page, voila_server, "reminder-tester")
        page.get_by_text("You are taking part as").wait_for()
        page.goto(voila_server + "voila/render/closing.ipynb")
        plan = page.locator(".workshop-exercise", has=page.locator(".workshop-reminder"))
        plan.get_by_label("One thing I will do differently").fill(PLAN)
        plan.get_by_label("Remind me").select_option(label="In 3 months")
        day = reminder_day("3m", date.today())
        # The link names the chosen day: waiting for it waits until the page has taken the choice.
        link = plan.get_by_role("link", name=f"Download the reminder for {day:%A %d %B %Y} (.ics)")
        link.wait_for()
        assert plan.get_by_text("the workshop keeps no copy of the reminder file").count() == 1
        with page.expect_download() as download:
            link.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
    finally:
        context.close()

    assert saved.name == "closing-action-plan-reminder.ics"
    calendar = Calendar.from_ical(Path(saved).read_bytes())
    (event,) = calendar.events
    assert event.start == datetime(day.year, day.month, day.day, 9, 0)  # the server names no time zone
    assert f"One thing I will do differently: {PLAN}" in str(event["DESCRIPTION"])
    assert [alarm.trigger for alarm in event.alarms.times] == [event.start]
    # The file came from the page itself: no request to fetch it, and none beyond the workshop server.
    server = urlparse(voila_server).netloc
    assert not any(url.endswith(".ics") for url in requests)
    assert all(urlparse(url).netloc == server for url in requests
               if urlparse(url).scheme in ("http", "https", "ws", "wss"))
