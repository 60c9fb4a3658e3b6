"""A session's shared clock: its arithmetic with an injected time, and the store row two devices share
(start, pause, extend, next, two at once, a restart)."""

import threading
from datetime import datetime, timedelta, timezone

import pytest

from coproduction_kit.core.session_clock import ClockState, apply, mmss
from coproduction_kit.store import Store

T0 = datetime(2027, 3, 4, 9, 0, tzinfo=timezone.utc)
MINUTES = [15, 25, 10, 20]  # check-in, a module, a break, debrief
KEY = ("w1", "series", 2)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_time_left_comes_from_the_start_not_from_counting():
    clock = ClockState()
    assert clock.left(MINUTES, at(600)) == 15 * 60  # not started: nothing used
    clock = clock.start(at(0))
    assert clock.left(MINUTES, at(90)) == 15 * 60 - 90 and clock.left(MINUTES, at(900)) == 0
    assert clock.left(MINUTES, at(960)) == -60 and mmss(clock.left(MINUTES, at(960))) == "-1:00"
    assert clock.start(at(300)).since == at(0)  # a second Start changes nothing


def test_pause_keeps_what_was_used_and_a_restart_counts_on_from_there():
    clock = ClockState().start(at(0)).pause(at(120))
    assert clock.left(MINUTES, at(5000)) == 15 * 60 - 120  # paused: the time stands still
    assert clock.pause(at(200)) .spent == clock.spent  # a second Pause changes nothing
    clock = clock.start(at(1000))
    assert clock.left(MINUTES, at(1030)) == 15 * 60 - 150 and clock.spent_in(0, at(1030)) == 150


def test_extensions_add_up_per_segment():
    clock = ClockState().start(at(0)).extend(0, 300, at(10)).extend(0, 300, at(11))
    assert clock.planned(0, MINUTES) == 25 * 60 and clock.left(MINUTES, at(60)) == 25 * 60 - 60
    assert clock.planned(1, MINUTES) == 25 * 60  # another segment keeps its minutes


def test_next_moves_on_once_from_the_segment_it_names_and_pauses_after_the_last():
    clock = ClockState().start(at(0)).next(0, len(MINUTES), at(300))
    assert clock.segment == 1 and clock.running and clock.since == at(300)
    assert clock.spent_in(0, at(999)) == 300 and clock.left(MINUTES, at(360)) == 25 * 60 - 60
    assert clock.next(0, len(MINUTES), at(301)).segment == 1  # a second Next from the check-in: no skip
    paused = ClockState(segment=1).next(1, len(MINUTES), at(400))
    assert paused.segment == 2 and not paused.running and paused.since is None
    last = ClockState(segment=3).start(at(0)).next(3, len(MINUTES), at(60))
    assert last.segment == 3 and not last.running and last.spent_in(3, at(500)) == 60
    assert ClockState(segment=5).within(len(MINUTES)).segment == 3  # a session made shorter since
    with pytest.raises(ValueError, match="unknown action"):
        apply(clock, "rewind", at(0))


def test_two_devices_share_one_clock_in_the_store(workshop, store):
    other = Store(workshop.store_url)
    try:
        assert store.session_clock(*KEY) == ClockState() and store.latest_session_clock("w1") is None
        store.act_on_session_clock(*KEY, "start", now=at(0))
        seen = other.session_clock(*KEY)
        assert seen.running and seen.left(MINUTES, at(60)) == 15 * 60 - 60
        other.act_on_session_clock(*KEY, "extend", segment=0, minutes=5, now=at(61))
        store.act_on_session_clock(*KEY, "extend", segment=0, minutes=5, now=at(62))
        assert store.session_clock(*KEY).planned(0, MINUTES) == 25 * 60  # both extensions kept
        store.act_on_session_clock(*KEY, "next", segment=0, count=4, now=at(120))
        other.act_on_session_clock(*KEY, "next", segment=0, count=4, now=at(121))  # pressed at the same time
        assert other.session_clock(*KEY).segment == 1
        assert store.latest_session_clock("w1")[:2] == ("series", 2)
        assert store.session_clock("w1", "series", 3) == ClockState()  # another session: its own clock
    finally:
        other.close()


def test_many_extensions_at_once_from_two_devices_lose_none(workshop, store):
    other = Store(workshop.store_url)
    try:
        def press(device):
            for _ in range(10):
                device.act_on_session_clock(*KEY, "extend", segment=0, minutes=5)
        threads = [threading.Thread(target=press, args=(device,)) for device in (store, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert store.session_clock(*KEY).extra == {0: 20 * 5 * 60}
    finally:
        other.close()


def test_the_clock_survives_a_restart_and_forgetting_the_workshop_removes_it(workshop, store):
    store.act_on_session_clock(*KEY, "start", now=at(0))
    store.act_on_session_clock(*KEY, "extend", segment=0, minutes=5, now=at(10))
    store.close()
    again = Store(workshop.store_url)  # a new server, a reloaded phone
    try:
        clock = again.session_clock(*KEY)
        assert clock.running and clock.since == at(0) and clock.left(MINUTES, at(600)) == 20 * 60 - 600
        assert again.delete_workshop("w1")["session_clocks"] == 1
        assert again.latest_session_clock("w1") is None
    finally:
        again.close()
