"""The power map, built with no kernel: worked examples of placing, adding, comparing, aggregating."""

import re

from coproduction_kit.widgets import PowerMap
from coproduction_kit.widgets.room_view import RoomView, room_power_map
from coproduction_kit.store import ROOM
from coproduction_kit.nbgrader.exchange import answer_text

BEFORE, AFTER = "power.map-before", "power.map-after"


def saved(session, exercise_id):
    answer = session.store.get_answer(session.participant, "power", exercise_id)
    return answer.value if answer else None


def test_only_roles_the_participant_moved_are_placed(participant_session, curriculum):
    roles = curriculum.exercise(BEFORE)["roles"]
    power = PowerMap(BEFORE, session=participant_session)
    assert saved(participant_session, BEFORE) is None and "No roles placed yet" in power._chart.value
    authority, expertise = power._sliders[roles[0]]
    authority.value = 9
    assert saved(participant_session, BEFORE) == {roles[0]: [9, 5]}
    expertise.value = 7
    assert saved(participant_session, BEFORE) == {roles[0]: [9, 7]}
    assert f"{roles[0]}: authority 9, expertise 7" in power._chart.value


def test_every_slider_is_labelled_with_its_role_and_axis(participant_session, curriculum):
    power = PowerMap(BEFORE, session=participant_session)
    role = curriculum.exercise(BEFORE)["roles"][3]
    assert [s.description for s in power._sliders[role]] == [
        f"{role}: formal authority", f"{role}: recognised expertise"]


def test_a_role_of_my_own_can_be_added_and_comes_back(participant_session):
    power = PowerMap(BEFORE, session=participant_session)
    power._new_role.value = "  Peer   support worker "
    power._add.click()
    assert saved(participant_session, BEFORE) == {"Peer support worker": [5, 5]}
    power._sliders["Peer support worker"][1].value = 8
    again = PowerMap(BEFORE, session=participant_session)
    assert again._sliders["Peer support worker"][1].value == 8


def test_the_second_map_starts_from_the_first_and_shows_what_moved(participant_session, curriculum):
    role = curriculum.exercise(BEFORE)["roles"][3]  # the service-user educator
    first = PowerMap(BEFORE, session=participant_session)
    first._sliders[role][0].value = 2
    first._sliders[role][1].value = 4
    second = PowerMap(AFTER, session=participant_session)
    assert second._sliders[role][1].value == 4  # starts where the first map left off
    second._sliders[role][1].value = 9
    assert saved(participant_session, AFTER)[role] == [2, 9]
    assert f"{role}: authority 2, expertise 9 (was authority 2, expertise 4)" in second._chart.value
    assert "stroke-dasharray" in second._chart.value


def test_the_answer_reads_as_text(curriculum):
    entry = curriculum.exercise(BEFORE)
    assert answer_text({"Resident": [3, 6]}, entry) == "Resident: formal authority 3/10, recognised expertise 6/10"


def test_the_room_sees_average_positions_and_never_a_role_only_one_person_added():
    maps = [{"Resident": [2, 4], "Funder": [9, 1]}, {"Resident": [4, 6], "My cousin": [1, 1]}]
    picture = room_power_map(maps)
    assert "Resident (2 maps): authority 3, expertise 5" in picture
    assert "My cousin" not in picture and "Funder" not in picture


def test_shared_maps_reach_the_room_view(workshop, store):
    people = [store.add_participant(workshop.workshop_id, f"mapper-{n}")[0] for n in range(5)]
    for n, person in enumerate(people):
        store.save_answer(person, "power", BEFORE, {"Resident": [n, 10 - n]}, share=ROOM)
    view = RoomView("power", workshop, store)
    panel = next(p for p in view.panels if p.exercise_id == BEFORE)
    html = "".join(getattr(c, "value", "") for c in panel._body.children)
    assert re.search(r"Resident \(5 maps\): authority 2, expertise 8", html)
