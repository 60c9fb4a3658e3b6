"""The session timers, built with no kernel and driven by tick()."""

from coproduction_kit.widgets.session_timer import SessionTimer


def timer(curriculum):
    return SessionTimer(curriculum, "series", 2)  # the payment session


def test_segments_come_from_the_data(curriculum):
    t = timer(curriculum)
    names = [s.name for s in t.segments]
    assert names[0] == "Check-in" and names[-1] == "Debrief" and "Break" in names
    session = curriculum.series["formats"][0]["sessions"][2]
    assert t.segments[0].planned == session["check_in"] * 60


def test_start_pause_extend_and_move_on(curriculum):
    t = timer(curriculum)
    t.tick(60)
    assert t.segments[0].elapsed == 0  # not started yet
    t._start.click()
    t.tick(90)
    assert t.segments[0].elapsed == 90 and "13:30 left" in t._now.value and "running" in t._now.value
    t._start.click()
    t.tick(30)
    assert t.segments[0].elapsed == 90 and "paused" in t._now.value
    t._extend.click()
    assert "18:30 left" in t._now.value
    t._next.click()
    assert t.current == 1 and t.segments[1].name in t._now.value


def test_over_time_is_said_in_words(curriculum):
    t = timer(curriculum)
    t._start.click()
    t.tick(16 * 60)
    assert "-1:00 left (over time)" in t._now.value
