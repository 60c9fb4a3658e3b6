"""The epistemic-injustice vignettes: notes after both answers, a private pattern, honest tallies."""

from coproduction_kit.widgets import Vignettes
from coproduction_kit.core.kinds import grouped_tallies
from coproduction_kit.nbgrader.exchange import answer_text
from coproduction_kit.widgets.kinds.vignettes import pattern

CASES = "epistemic-injustice.vignettes"


def test_at_least_six_cases_from_different_settings(curriculum):
    items = curriculum.exercise(CASES)["items"]
    assert len(items) >= 6 and len({i["setting"] for i in items}) >= 4


def test_the_note_appears_only_once_both_questions_are_answered(participant_session, curriculum):
    first = curriculum.exercise(CASES)["items"][0]
    cases = Vignettes(CASES, session=participant_session)
    credibility, reading = cases._pickers[first["id"]]
    credibility.value = 2
    assert cases._notes[first["id"]].value == ""
    reading.value = "testimonial"
    assert "To discuss" in cases._notes[first["id"]].value
    saved = participant_session.store.get_answer(participant_session.participant, "epistemic-injustice", CASES)
    assert saved.value == {first["id"]: {"credibility": 2, "what": "testimonial"}}
    assert "credibility 2/5; what happened: testimonial" in answer_text(saved.value, curriculum.exercise(CASES))


def test_the_pattern_is_shown_back_in_words(participant_session, curriculum):
    items = curriculum.exercise(CASES)["items"]
    cases = Vignettes(CASES, session=participant_session)
    for item, (credibility, what) in zip(items, [(1, "testimonial"), (4, "neither"), (2, "testimonial")]):
        cases._pickers[item["id"]][0].value = credibility
        cases._pickers[item["id"]][1].value = what
    expected = ("Across the 3 case(s) you answered, you named testimonial injustice in 2, neither in 1; "
                "you judged that the person was given less credibility than they deserved in 2.")
    assert expected in cases._pattern.value and "Only you can see this" in cases._pattern.value
    assert pattern({}) == ""


def test_the_room_tallies_each_case(curriculum):
    entry = curriculum.exercise(CASES)
    first = entry["items"][0]["id"]
    values = [{first: {"credibility": 1, "what": "testimonial"}}, {first: {"credibility": 3, "what": "unsure"}},
              {first: {"credibility": 2, "what": "testimonial"}}]
    (_, counts), *_ = grouped_tallies(entry, values)
    assert counts == [("Testimonial injustice", 2), ("Hermeneutical injustice", 0), ("Neither", 0), ("Unsure", 1)]
