"""The room view, built with no kernel: k threshold, reveal, moderation, lock, charts, no names."""

import pytest

from coproduction_kit.widgets.room_view import RoomView
from coproduction_kit.store import FACILITATORS, ROOM, PromptLocked

TEXT = "payment.personal-experience"
SCALE = "payment.raise-payment-readiness"


@pytest.fixture
def room(workshop, store):
    """Six participants; a helper to share answers with the room."""
    people = [store.add_participant(workshop.workshop_id, f"person-{n}")[0] for n in range(6)]

    def share(exercise_id, values, share=ROOM):
        for person, value in zip(people, values):
            store.save_answer(person, "payment", exercise_id, value, share=share)
    return people, share


def panel(view, exercise_id):
    return next(p for p in view.panels if p.exercise_id == exercise_id)


def shown(view, exercise_id):
    """All the HTML a panel shows, as one string."""
    def walk(widget):
        value = getattr(widget, "value", "")
        text = value if isinstance(value, str) else ""
        return text + "".join(walk(c) for c in getattr(widget, "children", ()))
    return walk(panel(view, exercise_id))


def test_nothing_is_shown_below_k_answers(workshop, store, room):
    _, share = room
    share(TEXT, ["one", "two", "three", "four"])
    view = RoomView("payment", workshop, store)
    assert "Waiting for at least 5 answers" in shown(view, TEXT) and "four" not in shown(view, TEXT)
    share(TEXT, ["one", "two", "three", "four", "five"])
    view.refresh()
    assert "five" in shown(view, TEXT) and "Only the facilitators see this" in shown(view, TEXT)


def test_answers_shared_only_with_facilitators_or_kept_private_never_appear(workshop, store, room):
    people, share = room
    share(TEXT, [f"room {n}" for n in range(5)])
    store.save_answer(people[5], "payment", TEXT, "for facilitators only", share=FACILITATORS)
    view = RoomView("payment", workshop, store)
    assert "for facilitators only" not in shown(view, TEXT)
    assert all(f"person-{n}" not in shown(view, TEXT) for n in range(6))  # no pseudonyms


def test_the_projector_shows_only_revealed_prompts(workshop, store, room):
    _, share = room
    share(TEXT, [f"answer {n}" for n in range(5)])
    projector = RoomView("payment", workshop, store, controls=False)
    assert "Not revealed yet" in shown(projector, TEXT) and "answer 1" not in shown(projector, TEXT)
    facilitators = RoomView("payment", workshop, store)
    panel(facilitators, TEXT)._reveal.value = True
    projector.refresh()
    assert "answer 1" in shown(projector, TEXT)


def test_moderation_hides_one_answer_and_can_undo_it(workshop, store, room):
    _, share = room
    share(TEXT, ["kind words", "an answer to hide", "three", "four", "five", "six"])
    view = RoomView("payment", workshop, store)
    target = panel(view, TEXT)
    hide_button = next(
        box.children[1] for box in target._body.children
        if hasattr(box, "children") and box.children and "an answer to hide" in box.children[0].value
    )
    hide_button.click()
    assert "an answer to hide" not in shown(view, TEXT) and "1 hidden by a facilitator" in shown(view, TEXT)
    target._unhide.click()
    assert "an answer to hide" in shown(view, TEXT)


def test_markup_in_an_answer_is_escaped(workshop, store, room):
    _, share = room
    share(TEXT, ["<script>alert(1)</script>", "b", "c", "d", "e"])
    view = RoomView("payment", workshop, store)
    assert "<script>" not in shown(view, TEXT) and "&lt;script&gt;" in shown(view, TEXT)


def test_a_locked_prompt_keeps_answers_but_lets_people_withdraw(workshop, store, room):
    people, share = room
    share(TEXT, ["before the lock"] * 5)
    view = RoomView("payment", workshop, store)
    panel(view, TEXT)._lock.value = True
    with pytest.raises(PromptLocked, match="closed this question"):
        store.save_answer(people[0], "payment", TEXT, "after the lock", share=ROOM)
    store.save_answer(people[0], "payment", TEXT, "before the lock", share="private")  # withdraw: allowed
    view.refresh()
    assert "4 shared with the room" in shown(view, TEXT) and "locked" in shown(view, TEXT)


def test_scale_answers_are_drawn_as_bars_with_their_numbers(workshop, store, room, curriculum):
    _, share = room
    share(SCALE, [1, 3, 3, 5, 5, 5])
    view = RoomView("payment", workshop, store)
    import re

    rows = re.findall(r"<th scope='row'>(\d)</th><td class='num'>(\d+)</td>", shown(view, SCALE))
    spec = curriculum.exercise(SCALE)["scale"]
    expected = {1: 1, 3: 2, 5: 3}
    assert [(int(p), int(n)) for p, n in rows] == [
        (point, expected.get(point, 0)) for point in range(spec["min"], spec["max"] + 1)
    ]


def test_hiding_an_answer_does_not_hide_the_rest_below_k(workshop, store, room):
    _, share = room
    share(TEXT, ["one", "two", "three", "four", "five"])
    view = RoomView("payment", workshop, store)
    hide_button = next(box.children[1] for box in panel(view, TEXT)._body.children
                       if hasattr(box, "children") and box.children and "two" in box.children[0].value)
    hide_button.click()
    assert "two" not in shown(view, TEXT) and "five" in shown(view, TEXT)


def test_a_reveal_made_on_another_device_shows_at_the_next_look_not_the_next_refresh(workshop, store, room):
    """Two facilitators, two kernels (two stores on one file): one's reveal reaches the other's view
    and projector at its next look at the store (every half second), long before the answers'
    refresh is due; with nothing changed, a look does not redraw."""
    from coproduction_kit.store import Store

    _, share = room
    share(TEXT, [f"answer {n}" for n in range(5)])
    other = Store(workshop.store_url)
    try:
        lead = RoomView("payment", workshop, store, refresh_seconds=3600)
        cofacilitator = RoomView("payment", workshop, other, refresh_seconds=3600)
        projector = RoomView("payment", workshop, other, controls=False, refresh_seconds=3600)
        assert cofacilitator.poll() is False and projector.poll() is False  # nothing changed: no redraw
        panel(lead, TEXT)._reveal.value = True
        assert "not revealed" in shown(cofacilitator, TEXT) and "Not revealed yet" in shown(projector, TEXT)
        assert cofacilitator.poll() is True and projector.poll() is True
        assert panel(cofacilitator, TEXT)._reveal.value is True and "answer 3" in shown(projector, TEXT)
        panel(cofacilitator, TEXT)._lock.value = True
        lead.poll()
        assert panel(lead, TEXT)._lock.value is True and "locked" in shown(lead, TEXT)
        hidden_id = room[0][2].id
        other.hide_in_room(workshop.workshop_id, hidden_id, TEXT)
        assert projector.poll() is True and "answer 2" not in shown(projector, TEXT)
        projector.paused = True
        other.set_room_state(workshop.workshop_id, TEXT, revealed=False)
        assert projector.poll() is False  # a view not on screen asks nothing
    finally:
        other.close()
