"""The room as the start page sees it: joins and openings → which page is made ready, for how many."""

import logging

from coproduction_kit.server.pools import RoomPlan, SenseTheRoom
from coproduction_kit.server.room_sense import RoomSense, available_mb, kernels_memory_allows, room_bounds

ORDER = ["orientation.ipynb", "power.ipynb", "payment.ipynb", "authorship.ipynb"]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def sense(**given):
    clock = Clock()
    return RoomSense(ORDER, **{"reserve": 2, "idle_reserve": 1, "most": 30, **given}, clock=clock), clock


def test_before_anyone_comes_the_series_first_page_keeps_the_reserve_and_the_others_one():
    room, _ = sense()
    assert room.likely_next() == "orientation.ipynb"
    assert room.targets() == {"orientation.ipynb": 2, "power.ipynb": 1, "payment.ipynb": 1, "authorship.ipynb": 1}


def test_the_first_page_grows_with_the_people_who_join():
    room, _ = sense()
    for pid in range(12):
        room.joined(pid)
    assert room.targets()["orientation.ipynb"] == 12
    assert room.targets()["power.ipynb"] == 1


def test_the_size_is_capped_by_most():
    room, _ = sense()
    for pid in range(45):
        room.joined(pid)
    assert room.targets()["orientation.ipynb"] == 30


def test_progress_in_the_store_points_to_the_first_page_most_have_not_finished():
    room, _ = sense()
    for pid in range(10):
        room.joined(pid, finished={"orientation.ipynb"})
    for pid in range(10, 13):
        room.joined(pid)  # three newcomers
    assert room.likely_next() == "power.ipynb"
    assert room.targets()["power.ipynb"] == 13 and room.targets()["orientation.ipynb"] == 1


def test_two_first_arrivals_on_a_page_move_the_guess_and_one_does_not():
    room, _ = sense()
    for pid in range(30):
        room.joined(pid)
    room.opened(0, "payment.ipynb")
    assert room.likely_next() == "orientation.ipynb"  # one person clicking ahead
    room.opened(1, "payment.ipynb")
    assert room.likely_next() == "payment.ipynb"
    assert room.targets()["payment.ipynb"] == 28  # everyone present not on it yet
    assert room.targets()["orientation.ipynb"] == 1


def test_once_a_third_of_the_room_is_on_a_page_the_next_page_fills_after_a_pause():
    room, clock = sense(settle=30.0)
    for pid in range(30):
        room.joined(pid)
    for pid in range(9):
        room.opened(pid, "orientation.ipynb")
    assert room.room_page() is None and room.fill_delay() == 0.0
    room.opened(9, "orientation.ipynb")
    assert room.room_page() == "orientation.ipynb"
    assert room.likely_next() == "power.ipynb"
    sizes = room.targets()
    assert sizes["orientation.ipynb"] == 20  # those still arriving keep their kernels
    assert sizes["power.ipynb"] == 30
    assert room.fill_delay() == 30.0
    clock.now += 10
    assert room.fill_delay() == 20.0
    assert room.busy() == {"orientation.ipynb", "power.ipynb"}
    for pid in range(10, 30):
        room.opened(pid, "orientation.ipynb")
    assert room.targets()["orientation.ipynb"] == 2  # all here: the reserve only
    assert room.fill_delay() == 2.0  # everyone is on it: a short pause, not the whole 30 s
    clock.now += 2
    assert room.fill_delay() == 0.0


def test_people_not_seen_for_a_while_are_no_longer_counted():
    room, clock = sense(window=600.0)
    for pid in range(20):
        room.joined(pid)
    clock.now += 601
    for pid in range(20, 25):
        room.joined(pid)
    assert room.present() == set(range(20, 25))
    assert room.targets()["orientation.ipynb"] == 5


def test_a_room_at_the_end_of_the_series_makes_nothing_more_ready():
    room, _ = sense()
    for pid in range(3):
        room.joined(pid, finished=set(ORDER))
    assert room.likely_next() is None
    assert set(room.targets().values()) == {1}


class _Pools(SenseTheRoom):
    """Just enough of Voilà's pooled kernel manager to watch the sizes applied."""

    plan = RoomPlan()

    def __init__(self, sense):
        self.sense, self._pools, self.filled = sense, {}, []
        self.kernel_pools_config = {"default": {"pool_size": 0}}
        self.log = logging.getLogger("test")

    def _set_pool(self, page, size):
        self.kernel_pools_config[page] = {"pool_size": size}

    def _follow_again(self, seconds):
        self.again = seconds  # no event loop here: the test calls follow_the_room itself

    def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
        self.filled.append((notebook_name, delay))
        self._pools[notebook_name] = ["kernel"] * self.kernel_pools_config[notebook_name]["pool_size"]


def test_the_pools_fill_the_likely_page_as_people_join():
    room, _ = sense()
    pools = _Pools(room)
    for pid in range(5):
        pools.participant_joined(pid, set())
    assert pools.kernel_pools_config["orientation.ipynb"] == {"pool_size": 5}
    assert len(pools._pools["orientation.ipynb"]) == 5
    assert ("orientation.ipynb", 0.0) in pools.filled
    pools.participant_joined(5, {"orientation"})  # module ids from the store become page names
    assert room._next_of[5] == "power.ipynb"


def test_the_pools_fill_the_next_page_only_once_the_room_has_settled_on_its_own():
    room, clock = sense(settle=30.0, pause=5.0)
    pools = _Pools(room)
    for pid in range(6):
        pools.participant_joined(pid, set())
    pools.page_opened("orientation.ipynb", 0)
    pools.page_opened("orientation.ipynb", 1)  # a third of six: the room is there
    assert room.likely_next() == "power.ipynb"
    assert pools.kernel_pools_config["power.ipynb"] == {"pool_size": 1}  # not yet: the room's page first
    assert pools.again == 30.0  # asked again when the room's page has settled at the latest
    for pid in range(2, 6):
        pools.page_opened("orientation.ipynb", pid)
    clock.now += 5
    pools.follow_the_room()  # the server's sweep
    assert pools.kernel_pools_config["power.ipynb"] == {"pool_size": 6}
    assert ("power.ipynb", 0) in pools.filled


def test_after_a_second_page_the_next_waits_until_the_page_left_is_given_back():
    room, clock = sense(settle=30.0, pause=2.0, give_back=25.0)
    for pid in range(6):
        room.joined(pid)
    for pid in range(6):
        room.opened(pid, "orientation.ipynb")
    assert room.fill_delay() == 2.0  # the first page: nothing to give back
    clock.now += 60
    for pid in range(6):
        room.opened(pid, "power.ipynb")
    assert room.room_page() == "power.ipynb" and room.likely_next() == "payment.ipynb"
    assert room.fill_delay() == 25.0  # orientation's kernels go back first
    assert room.targets()["orientation.ipynb"] == 1


def test_the_room_grows_past_the_room_size_given_as_people_join():
    room, _ = sense(most=183)  # what room_bounds gives with --room 30 on 22 GB available
    for pid in range(100):
        room.joined(pid)
    assert room.targets()["orientation.ipynb"] == 100


def test_the_memory_available_is_read_from_meminfo(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24683584 kB\nMemFree:        20345152 kB\nMemAvailable:   22430316 kB\n")
    assert round(available_mb(meminfo)) == 21905
    meminfo.write_text("MemTotal: 1 kB\n")  # an old kernel, or a broken file: unknown, not zero
    assert available_mb(meminfo) is None
    assert available_mb(tmp_path / "missing") is None


def test_kernels_fit_in_three_quarters_of_the_memory_available():
    assert kernels_memory_allows(8000, kernel_mb=60) == 100  # 6000 MB / 60
    assert kernels_memory_allows(100, kernel_mb=60) == 1
    assert kernels_memory_allows(None) is None


def test_room_bounds_follow_memory_never_below_the_old_defaults_and_respect_a_given_cap():
    assert room_bounds(30, None, 22_000) == (366, 183)  # 22 GB free: room for 183 people, two pages each
    assert room_bounds(30, None, 2_000) == (60, 30)  # a small laptop: as before, 60 kernels and --room
    assert room_bounds(30, None, None) == (60, 30)  # memory unknown: as before
    assert room_bounds(100, None, 2_000) == (200, 100)  # --room asked for is always made ready
    assert room_bounds(30, 80, 22_000) == (80, 40)  # --max-kernels is the facilitator's word
