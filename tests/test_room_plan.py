"""Today's pages and the pools that follow the room (``workshop serve --session/--today/--room``)."""

from argparse import Namespace

import pytest

from workshop.pools import RoomPlan
from workshop.serve import todays_pages


def args(**given):
    return Namespace(**{"today": None, "session": None, "format": "series", **given})


def test_a_session_of_the_series_names_its_module(curriculum):
    assert todays_pages(curriculum, args(session=2)) == ["payment"]


def test_the_half_day_names_its_four_modules_in_order(curriculum):
    assert todays_pages(curriculum, args(session=1, format="half-day")) == [
        "power", "payment", "epistemic-injustice", "authorship"]


def test_today_lists_modules_in_the_order_given(curriculum):
    assert todays_pages(curriculum, args(today="power, orientation")) == ["power", "orientation"]


@pytest.mark.parametrize("given, says", [
    ({"today": "power,../x"}, "../x, which is not a module"),
    ({"session": 9}, "sessions 0, 1, 2, 3, 4, 5, not 9"),
    ({"session": 1, "format": "weekend"}, "there is no format 'weekend'"),
    ({"session": 1, "today": "power"}, "either --today or --session"),
])
def test_a_plan_that_cannot_be_served_says_why(curriculum, given, says):
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(".", r"\.")):
        todays_pages(curriculum, args(**given))


def test_no_plan_means_nothing_today(curriculum):
    assert todays_pages(curriculum, args()) == []


def test_pools_at_start_ready_the_first_page_for_the_room():
    assert RoomPlan(["power.ipynb", "payment.ipynb"], room=30).initial_pools() == {
        "default": {"pool_size": 0}, "power.ipynb": {"pool_size": 30}}


def test_without_pages_every_module_keeps_a_small_reserve():
    assert RoomPlan(room=30, reserve=2).initial_pools() == {"default": {"pool_size": 2}}
