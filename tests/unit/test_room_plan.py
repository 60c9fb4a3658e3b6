"""Today's pages and the pools that follow the room (``workshop serve --session/--today/--room``)."""

from tests.helpers import run_coroutine
import asyncio
import logging
from argparse import Namespace

import pytest

from coproduction_kit.server.pools import FollowTheRoom, RoomPlan
from coproduction_kit.server.serve import todays_pages


def args(**given):
    return Namespace(**{"today": None, "session": None, "format": "series", **given})


def test_a_session_of_the_series_names_its_module(curriculum):
    assert todays_pages(curriculum, args(session=2)) == ["payment"]


def test_the_half_day_names_its_modules_in_order(curriculum):
    assert todays_pages(curriculum, args(session=1, format="half-day")) == [
        "orientation", "power", "payment", "epistemic-injustice", "authorship", "closing"]


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


class _Pools(FollowTheRoom):
    """Just enough of Voilà's pooled kernel manager to watch the plan's decisions."""

    def __init__(self, plan):
        self.plan, self.kernel_pools_config, self._pools, self.filled = plan, plan.initial_pools(), {}, []
        self.log = logging.getLogger("test")

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        self.filled.append((notebook_name, delay))


def sizes(pools):
    return {page: entry["pool_size"] for page, entry in pools.kernel_pools_config.items()}


def test_the_next_page_fills_once_a_third_of_the_room_has_arrived():
    pools = _Pools(RoomPlan(["power.ipynb", "payment.ipynb", "authorship.ipynb"], room=30, reserve=2))
    pools._arrived("power.ipynb")
    assert sizes(pools)["power.ipynb"] == 2  # no refilling while the room arrives
    assert pools.filled == []
    for _ in range(9):
        pools._arrived("power.ipynb")
    assert pools.filled == [("payment.ipynb", 30.0)] and sizes(pools)["payment.ipynb"] == 30


def test_one_person_clicking_ahead_does_not_move_the_room():
    pools = _Pools(RoomPlan(["power.ipynb", "payment.ipynb", "authorship.ipynb"], room=30, reserve=2))
    for _ in range(10):
        pools._arrived("power.ipynb")
    pools._arrived("payment.ipynb")  # one early arrival on the next page
    assert sizes(pools)["power.ipynb"] == 2  # the room's own page keeps its reserve
    assert "authorship.ipynb" not in [page for page, _ in pools.filled]


class _Voila:
    """Voilà's side of the refill: records every fill it is asked for, and when."""

    def __init__(self):
        self.asked: list[tuple[str, float | None, float]] = []

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        self.asked.append((notebook_name, delay, asyncio.get_event_loop().time()))


class _Refilling(FollowTheRoom, _Voila):
    def __init__(self, plan):
        _Voila.__init__(self)
        self.plan = plan


def test_a_pool_is_refilled_once_its_page_has_had_no_request_for_a_while():
    async def burst():
        pools = _Refilling(RoomPlan(["power.ipynb"], room=30, reserve=2, refill_quiet=0.3))
        began = asyncio.get_event_loop().time()
        for _ in range(5):  # five kernels taken 0.1 s apart: Voilà asks for a refill after each
            pools.fill_if_needed(notebook_name="power.ipynb")
            await asyncio.sleep(0.1)
        assert pools.asked == []  # nothing while the room is still arriving
        pools.fill_if_needed(delay=30.0, notebook_name="payment.ipynb")  # the plan's own fills go ahead
        await asyncio.sleep(0.5)
        return pools.asked, began

    asked, began = run_coroutine(burst())
    assert [(page, delay) for page, delay, _ in asked] == [("payment.ipynb", 30.0), ("power.ipynb", 0)]
    assert asked[1][2] - began >= 0.4 + 0.3  # one refill, a quiet 0.3 s after the last kernel taken


def test_the_sweep_interval_is_a_setting_above_zero():
    from traitlets import TraitError

    from coproduction_kit.server.app import WorkshopVoila

    app = WorkshopVoila()
    app.parse_command_line(["--sweep-every", "1.5"])
    assert app.sweep_every == 1.5 and WorkshopVoila().sweep_every == 5.0
    for wrong in (0, -2):
        with pytest.raises(TraitError, match="above 0"):
            WorkshopVoila().sweep_every = wrong
    with pytest.raises(SystemExit):  # on the command line: the error, and the server does not start
        WorkshopVoila().parse_command_line(["--sweep-every", "0"])
