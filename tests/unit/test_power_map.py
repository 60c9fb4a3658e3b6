"""The power map, built with no kernel: placing, adding, comparing, aggregating, and what the browser may send.

The map's positions arrive from the browser as the board's ``positions`` (``set_state``, as a
comm message from the page would set them); everything here goes through that door.
"""

import math
import re

import pytest
from traitlets import TraitError

from coproduction_kit.widgets import PowerMap
from coproduction_kit.widgets.kinds.power_map_board import PowerMapBoard, clean_positions
from coproduction_kit.widgets.room_view import RoomView, room_power_map
from coproduction_kit.store import ROOM
from coproduction_kit.nbgrader.exchange import answer_text

BEFORE, AFTER = "power.map-before", "power.map-after"
MARKUP = "<img src=x onerror=alert(1)>"


def saved(session, exercise_id):
    answer = session.store.get_answer(session.participant, "power", exercise_id)
    return answer.value if answer else None


def from_browser(power: PowerMap, positions) -> None:
    """What a page's drag or key press does: the board's state, set over its comm."""
    power._board.set_state({"positions": positions})


def test_only_roles_the_participant_placed_are_saved_as_they_were_always_saved(participant_session, curriculum):
    roles = curriculum.exercise(BEFORE)["roles"]
    power = PowerMap(BEFORE, session=participant_session)
    assert saved(participant_session, BEFORE) is None and power._board.positions == {}
    assert power._board.roles == roles  # every role waits in the tray
    from_browser(power, {roles[0]: [9, 5]})
    assert saved(participant_session, BEFORE) == {roles[0]: [9, 5]}
    from_browser(power, {roles[0]: [9, 7], roles[2]: [1, 2]})
    assert saved(participant_session, BEFORE) == {roles[0]: [9, 7], roles[2]: [1, 2]}
    assert answer_text(saved(participant_session, BEFORE), curriculum.exercise(BEFORE)).splitlines()[0] == \
        f"{roles[0]}: formal authority 9/10, recognised expertise 7/10"


def test_a_saved_map_comes_back_where_it_was_left(participant_session, curriculum):
    roles = curriculum.exercise(BEFORE)["roles"]
    from_browser(PowerMap(BEFORE, session=participant_session), {roles[1]: [3, 8]})
    again = PowerMap(BEFORE, session=participant_session)
    assert again._board.positions == {roles[1]: [3, 8]} and again.value == {roles[1]: [3, 8]}
    assert "Restored your saved answer" in again.status


def test_a_role_of_my_own_starts_in_the_middle_and_comes_back(participant_session):
    power = PowerMap(BEFORE, session=participant_session)
    power._new_role.value = "  Peer   support worker "
    power._add.click()
    assert saved(participant_session, BEFORE) == {"Peer support worker": [5, 5]}
    from_browser(power, {"Peer support worker": [5, 8]})
    again = PowerMap(BEFORE, session=participant_session)
    assert "Peer support worker" in again._board.roles and again._board.positions["Peer support worker"] == [5, 8]


def test_a_role_with_markup_is_only_ever_text(participant_session, curriculum):
    power = PowerMap(BEFORE, session=participant_session)
    power._new_role.value = MARKUP + "\x00\n"
    power._add.click()
    assert saved(participant_session, BEFORE) == {MARKUP: [5, 5]}  # kept as typed, tidied
    picture = room_power_map([{MARKUP: [1, 1]}, {MARKUP: [3, 3]}])
    assert "<img" not in picture and "&lt;img src=x onerror=alert(1)&gt;" in picture
    source = power._board._esm
    assert "innerHTML" not in source and "textContent" in source  # the board writes names as text


@pytest.mark.parametrize("sent, kept", [
    ({"Resident": [-3, 14]}, {"Resident": [0, 10]}),  # outside the map: to the nearest edge
    ({"Resident": [2.6, 7.4]}, {"Resident": [3, 7]}),  # whole numbers, as the answers have always been
    ({"Resident": ["7", 2]}, {}),  # not a number: refused
    ({"Resident": [math.nan, 2]}, {}),
    ({"Resident": [math.inf, 2]}, {}),
    ({"Resident": [True, 2]}, {}),
    ({"Resident": [1, 2, 3]}, {}),
    ({"Resident": None}, {}),
    ({"Somebody's name": [1, 1]}, {}),  # a role not on this map: dropped
    ({MARKUP: [1, 1]}, {}),
])
def test_what_the_browser_sends_is_checked_before_it_is_saved(participant_session, sent, kept):
    power = PowerMap(BEFORE, session=participant_session)
    from_browser(power, sent)
    assert power._board.positions == kept
    assert (saved(participant_session, BEFORE) or {}) == kept


def test_positions_that_are_not_a_mapping_are_refused(participant_session):
    power = PowerMap(BEFORE, session=participant_session)
    from_browser(power, {"Resident": [4, 4]})
    with pytest.raises(TraitError):
        from_browser(power, ["Resident", 9, 9])
    assert power._board.positions == {"Resident": [4, 4]} == saved(participant_session, BEFORE)


def test_a_broken_position_keeps_the_role_where_it_was_and_the_page_is_told(participant_session):
    power = PowerMap(BEFORE, session=participant_session)
    from_browser(power, {"Resident": [4, 4], "Funder": [8, 2]})
    sent = []
    power._board.comm.send = lambda data=None, buffers=None, **_: sent.append(data)
    from_browser(power, {"Resident": ["x", 4], "Funder": [9, 2], "Intruder": [1, 1]})
    assert saved(participant_session, BEFORE) == {"Resident": [4, 4], "Funder": [9, 2]}
    # The page drew what it sent; it is sent back what was kept, so it redraws the truth.
    assert {"method": "update", "state": {"positions": {"Resident": [4, 4], "Funder": [9, 2]}},
            "buffer_paths": []} in sent


def test_roles_are_tidied_and_bounded():
    board = PowerMapBoard(roles=["A", " A ", "", "B\u200b\x07", "x" * 200, *(f"r{n}" for n in range(60))])
    assert board.roles[:3] == ["A", "B", "x" * 60] and len(board.roles) == 40
    assert clean_positions({"A": [1, 1], "zz": [1, 1]}, ["A"]) == {"A": [1, 1]}


def test_the_second_map_starts_from_the_first_and_shows_it_as_before(participant_session, curriculum):
    role = curriculum.exercise(BEFORE)["roles"][3]  # the service-user educator
    from_browser(PowerMap(BEFORE, session=participant_session), {role: [2, 4]})
    second = PowerMap(AFTER, session=participant_session)
    assert second._board.positions == {role: [2, 4]} and second._board.before == {role: [2, 4]}
    assert saved(participant_session, AFTER) is None  # starting from the first map is not an answer
    from_browser(second, {role: [2, 9]})
    assert saved(participant_session, AFTER) == {role: [2, 9]}
    assert second._board.before == {role: [2, 4]}  # the arrows go from here to the new place


def test_a_passed_map_cannot_be_moved(participant_session):
    power = PowerMap(BEFORE, session=participant_session)
    assert power._board.disabled is False
    power._pass.value = True
    assert power._board.disabled and power._new_role.disabled and power._add.disabled


def test_the_board_ships_its_script_and_style_and_fetches_nothing():
    board = PowerMapBoard(roles=["A"])
    source, style = board._esm, board._css
    assert "export default" in source and "touch-action: none" in style
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", source + style)  # only the SVG namespace's name
    assert not re.search(r"\bimport\s|@import|url\(", source + style)
    assert "prefers-color-scheme: dark" in style and "prefers-reduced-motion: reduce" in style


def test_the_room_sees_each_roles_middle_and_never_a_role_only_one_person_added():
    maps = [{"Resident": [2, 4], "Funder": [9, 1]}, {"Resident": [4, 6], "My cousin": [1, 1]}]
    picture = room_power_map(maps)
    assert "<th scope='row'>Resident</th><td class='num'>2</td><td>3 (2.5 to 3.5)</td><td>5 (4.5 to 5.5)</td>" in picture
    assert "My cousin" not in picture and "Funder" not in picture


def test_shared_maps_reach_the_room_view(workshop, store):
    people = [store.add_participant(workshop.workshop_id, f"mapper-{n}")[0] for n in range(5)]
    for n, person in enumerate(people):
        store.save_answer(person, "power", BEFORE, {"Resident": [n, 10 - n]}, share=ROOM)
    view = RoomView("power", workshop, store)
    panel = next(p for p in view.panels if p.exercise_id == BEFORE)
    html = "".join(getattr(c, "value", "") for c in panel._body.children)
    assert "<th scope='row'>Resident</th><td class='num'>5</td><td>2 (1 to 3)</td><td>8 (7 to 9)</td>" in html
