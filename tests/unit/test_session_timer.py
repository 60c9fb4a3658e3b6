"""The session timers, built with no kernel, on an injected clock: one session's clock in the store,
shared by two facilitators' devices and the projector."""

from datetime import datetime, timedelta, timezone

from tests.helpers import run_coroutine
from coproduction_kit.store import Store
from coproduction_kit.widgets.session_timer import ProjectorClock, SessionTimer

T0 = datetime(2027, 3, 4, 9, 0, tzinfo=timezone.utc)


class Clock:
    """The time now, moved on by the test."""

    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now

    def wait(self, seconds):
        self.now += timedelta(seconds=seconds)


def timer(curriculum, store, clock):
    return SessionTimer(curriculum, "series", 2, store=store, workshop_id="w1", clock=clock)  # the payment session


def test_segments_come_from_the_data(curriculum, store):
    t = timer(curriculum, store, Clock())
    names = [name for name, _ in t.segments]
    assert names[0] == "Check-in" and names[-1] == "Debrief" and "Break" in names
    session = curriculum.series["formats"][0]["sessions"][2]
    assert t.minutes[0] == session["check_in"]


def test_start_pause_extend_and_move_on(curriculum, store):
    clock = Clock()
    t = timer(curriculum, store, clock)
    clock.wait(60)
    t.poll()
    assert "15:00 left" in t._now.value and t._say.value == ""  # not started: nothing said
    t._start.click()
    clock.wait(90)
    t.poll()
    assert "13:30 left" in t._now.value and "running" in t._now.value and t._start.description == "Pause"
    t._start.click()
    clock.wait(30)
    t.poll()
    assert "13:30 left" in t._now.value and "paused" in t._now.value
    assert "14 minutes left, paused" in t._say.value and "aria-live='polite'" in t._say.value
    t._extend.click()
    assert "18:30 left" in t._now.value
    t._next.click()
    assert t.current == 1 and t.segments[1][0] in t._now.value
    assert "<td>▶ " + t.segments[1][0] in t._table.value and "<td>1:30</td>" in t._table.value


def test_over_time_is_said_in_words(curriculum, store):
    clock = Clock()
    t = timer(curriculum, store, clock)
    t._start.click()
    clock.wait(16 * 60)
    t.poll()
    assert "-1:00 left (over time)" in t._now.value and "over time by 1:00" in t._say.value


def test_screen_readers_hear_changes_and_every_fifth_minute_not_every_second(curriculum, store):
    clock = Clock()
    t = timer(curriculum, store, clock)
    t._start.click()
    said = [t._say.value]
    for step in [10] * 90 + [1]:  # every ten seconds of the check-in's 15 minutes, then one more
        clock.wait(step)
        t.poll()
        if t._say.value != said[-1]:
            said.append(t._say.value)
    # At the start, at 10 and 5 minutes left, in the last minute, at the end, and once over time.
    assert len(said) == 6 and "15 minutes left, running" in said[0] and "10 minutes left" in said[1]
    assert "5 minutes left" in said[2] and "1 minute left" in said[3] and "0 minutes left" in said[4]
    assert "over time by 0:01" in said[5]


def test_two_devices_and_the_projector_show_one_clock(curriculum, workshop, store):
    clock = Clock()
    other = Store(workshop.store_url)
    try:
        educator, clinician = timer(curriculum, store, clock), timer(curriculum, other, clock)
        projector = ProjectorClock(curriculum, other, "w1", clock=clock)
        assert projector.value == ""  # no one has started a session yet
        educator._start.click()
        clock.wait(60)
        assert clinician.poll() is True and "14:00 left" in clinician._now.value and "running" in clinician._now.value
        assert clinician._start.description == "Pause" and "started" not in clinician._say.value
        projector.poll()
        assert "Check-in: 14:00 left" in projector.value and "paused" not in projector.value
        clinician._extend.click()
        educator._extend.click()  # at the same moment, before the educator's page saw the first
        assert "24:00 left" in educator._now.value  # ten more minutes, not five
        assert clinician.poll() is True and "24:00 left" in clinician._now.value
        assert clinician.poll() is False  # nothing new: no change reported
        clinician._start.click()  # the clinician pauses; the educator's page says so
        educator.poll()
        assert educator._start.description == "Start" and "paused" in educator._now.value
        projector.poll()
        assert "(paused)" in projector.value
        # A reloaded page (a new kernel) shows the same clock.
        reloaded = timer(curriculum, Store(workshop.store_url), clock)
        assert "24:00 left" in reloaded._now.value and "paused" in reloaded._now.value
        reloaded.store.close()
    finally:
        other.close()


def test_in_a_kernel_the_page_looks_at_the_store_by_itself_until_stopped(curriculum, workshop, store):
    import asyncio

    other = Store(workshop.store_url)

    async def scenario():
        t = SessionTimer(curriculum, "series", 2, store=store, workshop_id="w1", poll_seconds=0.05)
        other.act_on_session_clock("w1", "series", 2, "start")  # the other facilitator's phone
        await asyncio.sleep(0.5)
        seen_running = "running" in t._now.value
        t.stop()
        other.act_on_session_clock("w1", "series", 2, "pause")
        await asyncio.sleep(0.3)
        return seen_running, "running" in t._now.value

    try:
        assert run_coroutine(scenario()) == (True, True)  # followed the start; stopped looking after stop()
    finally:
        other.close()
