"""The series' other exercise kinds, built with no kernel: sort, checklist, form, look-back."""

from coproduction_kit.widgets import Checklist, Form, Reflection, Sort, check_in, debrief
from coproduction_kit.store import ROOM
from coproduction_kit.nbgrader.exchange import answer_text

LADDER = "orientation.ladder"
THREE_KINDS = "power.three-kinds"
AGREEMENTS = "orientation.agreements"
POSITIONALITY = "orientation.positionality"
LOOK_BACK = "closing.look-back"


def saved(session, exercise_id):
    return session.store.get_answer(session.participant, exercise_id.split(".")[0], exercise_id)


def test_sort_places_items_and_shows_each_note_once_placed(participant_session, curriculum):
    entry = curriculum.exercise(LADDER)
    ladder = Sort(LADDER, session=participant_session)
    first, second = entry["items"][0], entry["items"][1]
    assert all(note.value == "" for note in ladder._notes.values())
    ladder._pickers[first["id"]].value = entry["categories"][3]
    assert saved(participant_session, LADDER).value == {first["id"]: entry["categories"][3]}
    assert "To discuss" in ladder._notes[first["id"]].value
    assert ladder._notes[second["id"]].value == ""  # not placed yet: no note
    restored = Sort(LADDER, session=participant_session)
    assert restored._pickers[first["id"]].value == entry["categories"][3]
    assert first["text"] in answer_text(saved(participant_session, LADDER).value, entry)


def test_every_sort_picker_is_labelled_with_its_item_and_offers_every_category(participant_session, curriculum):
    entry = curriculum.exercise(LADDER)
    ladder = Sort(LADDER, session=participant_session)
    assert [p.description for p in ladder._pickers.values()] == [
        f"Place item {n} in" for n in range(1, len(entry["items"]) + 1)]
    assert all(list(p.options) == entry["categories"] and p.value is None for p in ladder._pickers.values())


def test_a_placed_item_moves_with_one_more_tap_and_the_summary_follows(participant_session, curriculum):
    entry = curriculum.exercise(THREE_KINDS)
    kinds = Sort(THREE_KINDS, session=participant_session)
    first, second = entry["items"][0]["id"], entry["items"][1]["id"]
    power_over, power_to, power_with = entry["categories"]
    assert kinds._summary.value == ""
    kinds._pickers[first].value = power_over
    kinds._pickers[second].value = power_over
    assert "Item 1 is in <strong>Power-over</strong>" in kinds._notes[first].value
    assert "<li>Power-over: 1, 2</li>" in kinds._summary.value and "2 of 6 placed" in kinds._summary.value
    kinds._pickers[first].value = power_with  # moved: one tap on another category
    assert saved(participant_session, THREE_KINDS).value == {first: power_with, second: power_over}
    assert "Item 1 is in <strong>Power-with</strong>" in kinds._notes[first].value
    assert "<li>Power-over: 2</li>" in kinds._summary.value and "<li>Power-with: 1</li>" in kinds._summary.value
    assert f"<li>{power_to}: none</li>" in kinds._summary.value


def test_a_sort_saved_before_the_buttons_restores_and_ignores_what_no_longer_fits(participant_session, curriculum):
    entry = curriculum.exercise(THREE_KINDS)
    items = [item["id"] for item in entry["items"]]
    old = {items[2]: "Power-to", items[5]: "Power-with", items[0]: "Power-under", "gone-item": "Power-over"}
    participant_session.store.save_answer(participant_session.participant, "power", THREE_KINDS, old)
    kinds = Sort(THREE_KINDS, session=participant_session)
    assert kinds._pickers[items[2]].value == "Power-to" and kinds._pickers[items[5]].value == "Power-with"
    assert kinds._pickers[items[0]].value is None and kinds._notes[items[0]].value == ""
    assert "To discuss" in kinds._notes[items[2]].value
    kinds._pickers[items[1]].value = "Power-over"  # the next tap saves what the buttons show
    assert saved(participant_session, THREE_KINDS).value == {items[1]: "Power-over", items[2]: "Power-to",
                                                             items[5]: "Power-with"}


def test_passing_a_sort_locks_its_buttons_and_hides_the_notes(participant_session, curriculum):
    entry = curriculum.exercise(LADDER)
    ladder = Sort(LADDER, session=participant_session)
    ladder._pickers[entry["items"][0]["id"]].value = entry["categories"][0]
    ladder._pass.value = True
    assert all(p.disabled for p in ladder._pickers.values())
    assert all(note.value == "" for note in ladder._notes.values()) and ladder._summary.value == ""


def test_checklist_keeps_the_ticked_options_in_order(participant_session, curriculum):
    options = curriculum.exercise(AGREEMENTS)["options"]
    agreements = Checklist(AGREEMENTS, session=participant_session)
    agreements._boxes[2].value = True
    agreements._boxes[0].value = True
    assert saved(participant_session, AGREEMENTS).value == [options[0], options[2]]
    again = Checklist(AGREEMENTS, session=participant_session)
    assert [b.value for b in again._boxes[:3]] == [True, False, True]


def test_passing_a_checklist_locks_every_box(participant_session):
    agreements = Checklist(AGREEMENTS, session=participant_session)
    agreements._pass.value = True
    assert all(box.disabled for box in agreements._boxes)


def test_form_saves_only_filled_fields_under_their_ids(participant_session, curriculum):
    fields = curriculum.exercise(POSITIONALITY)["fields"]
    statement = Form(POSITIONALITY, session=participant_session)
    statement._fields[fields[0]["id"]].value = "Resident, second year"
    assert saved(participant_session, POSITIONALITY).value == {fields[0]["id"]: "Resident, second year"}
    assert f"{fields[0]['label']}: Resident, second year" == answer_text(
        saved(participant_session, POSITIONALITY).value, curriculum.exercise(POSITIONALITY)
    )
    assert Form(POSITIONALITY, session=participant_session)._fields[fields[0]["id"]].value == "Resident, second year"


def test_look_back_shows_the_participants_own_earlier_answers_escaped(participant_session, curriculum):
    earlier = curriculum.exercise(LOOK_BACK)["look_back"]
    assert POSITIONALITY in earlier
    field = curriculum.exercise(POSITIONALITY)["fields"][0]["id"]
    participant_session.store.save_answer(
        participant_session.participant, "orientation", POSITIONALITY, {field: "I <b>was</b> unsure"}
    )  # private: still shown to its author
    box = Reflection(LOOK_BACK, session=participant_session)
    shown = box.children[1].value
    assert "I &lt;b&gt;was&lt;/b&gt; unsure" in shown and "<b>was</b>" not in shown


def test_look_back_with_nothing_kept_says_so_kindly(participant_session):
    box = Reflection(LOOK_BACK, session=participant_session)
    assert "no earlier answers" in box.children[1].value


def test_check_in_and_debrief_come_from_the_series(monkeypatch, participant_session, curriculum):
    from coproduction_kit.widgets import session as session_module

    monkeypatch.setattr(session_module, "_current", participant_session)
    arriving = check_in("payment")
    assert arriving.exercise_id == "payment.check-in"
    assert arriving.prompt == curriculum.series["check_in"]["prompt"]
    leaving = debrief("payment")
    assert "power" in leaving.prompt
    leaving._input.value = "Power showed up when the attending spoke first."
    leaving._share.value = ROOM
    assert saved(participant_session, "payment.debrief").share == ROOM
