"""The CRediT matrix: worked examples of the statement and ICMJE's four criteria."""

from coproduction_kit.widgets import CreditMatrix, Reflection
from coproduction_kit.nbgrader.exchange import answer_text
from coproduction_kit.widgets.kinds.credit_matrix import CREDIT_ROLES, icmje, statement

MATRIX = "authorship.credit-matrix"


def test_fourteen_credit_roles():
    assert len(CREDIT_ROLES) == 14 and "Writing – review & editing" in CREDIT_ROLES


def test_icmje_needs_all_four_and_supporting_alone_is_not_substantial():
    full = {"roles": {"Investigation": "lead", "Writing – original draft": "supporting"},
            "approved": True, "accountable": True}
    assert all(icmje(full).values())
    assert icmje({**full, "roles": {"Investigation": "supporting", "Writing – original draft": "lead"}})[
        "substantial contribution"] is False
    assert icmje({**full, "accountable": False})["accountability"] is False
    assert icmje({"roles": {"Funding acquisition": "lead", "Writing – review & editing": "equal"},
                  "approved": True, "accountable": True})["substantial contribution"] is False


def mark(matrix, person_id, roles=(), approved=False, accountable=False):
    """Do what a participant does: choose the person, then set their roles and the two boxes."""
    matrix._person.value = person_id
    for role, part in dict(roles).items():
        matrix._roles[role].label = part or "no part"
    matrix._approved.value, matrix._accountable.value = approved, accountable


def test_the_matrix_writes_the_statement_and_sorts_authors_from_acknowledged(participant_session, curriculum):
    team = curriculum.exercise(MATRIX)["team"]
    first, second = team[0], team[1]
    matrix = CreditMatrix(MATRIX, session=participant_session)
    mark(matrix, first["id"], {"Conceptualization": "lead", "Writing – original draft": "equal"}, True, True)
    mark(matrix, second["id"], {"Project administration": "lead"})
    shown = matrix._result.value
    assert f"{first['name']} ({first['role']}): Conceptualization (lead); Writing – original draft (equal)." in shown
    assert f"<strong>Authors:</strong> {first['name']} ({first['role']})." in shown
    assert second["name"] in shown.split("Acknowledged instead:")[1]
    saved = participant_session.store.get_answer(participant_session.participant, "authorship", MATRIX).value
    assert saved[first["id"]] == {"roles": {"Conceptualization": "lead", "Writing – original draft": "equal"},
                                  "approved": True, "accountable": True}
    again = CreditMatrix(MATRIX, session=participant_session)
    again._person.value = first["id"]
    assert again._roles["Conceptualization"].value == "lead" and again._approved.value is True
    text = answer_text(saved, curriculum.exercise(MATRIX))
    assert text.endswith("Acknowledged: " + ", ".join(f"{p['name']} ({p['role']})" for p in team[1:]))
    # The next question shows the participant their own matrix above the box.
    fair = Reflection("authorship.fair", session=participant_session)
    assert "Conceptualization (lead)" in fair.children[1].value


def test_one_person_at_a_time_with_the_same_sixteen_controls(participant_session, curriculum):
    team = curriculum.exercise(MATRIX)["team"]
    matrix = CreditMatrix(MATRIX, session=participant_session)
    assert len(matrix._roles) == 14 and matrix._person.value == team[0]["id"]
    mark(matrix, team[2]["id"], {"Investigation": "equal"}, approved=True)
    assert matrix._roles["Investigation"].description == f"{team[2]['name']}: Investigation"
    assert "1 of 14 roles marked" in matrix._marking.value and team[2]["name"] in matrix._marking.value
    matrix._person.value = team[3]["id"]  # another person: their own (empty) marks, nothing carried over
    assert all(d.label == "no part" for d in matrix._roles.values()) and matrix._approved.value is False
    assert matrix._roles["Investigation"].description == f"{team[3]['name']}: Investigation"
    assert matrix.value == {team[2]["id"]: {"roles": {"Investigation": "equal"}, "approved": True, "accountable": False}}
    matrix._person.value = team[2]["id"]
    assert matrix._roles["Investigation"].value == "equal" and matrix._approved.value is True


def test_unmarking_everything_for_a_person_removes_them_from_the_answer(participant_session, curriculum):
    team = curriculum.exercise(MATRIX)["team"]
    matrix = CreditMatrix(MATRIX, session=participant_session)
    mark(matrix, team[0]["id"], {"Supervision": "lead"})
    mark(matrix, team[1]["id"], {"Software": "supporting"})
    mark(matrix, team[0]["id"], {"Supervision": None})
    assert matrix.value == {team[1]["id"]: {"roles": {"Software": "supporting"}, "approved": False, "accountable": False}}
    mark(matrix, team[1]["id"], {"Software": None})
    assert matrix.value is None


def test_an_answer_saved_by_the_old_84_dropdown_matrix_restores(participant_session, curriculum):
    """The answer kept its shape: one saved before this layout (and one with stray parts) comes back."""
    team = curriculum.exercise(MATRIX)["team"]
    old = {team[1]["id"]: {"roles": {"Writing – original draft": "lead", "Methodology": "equal",
                                     "Not a CRediT role": "lead", "Software": "most"},
                           "approved": True, "accountable": True},
           team[4]["id"]: {"roles": {}, "approved": False, "accountable": True}}
    participant_session.store.save_answer(participant_session.participant, "authorship", MATRIX, old)
    matrix = CreditMatrix(MATRIX, session=participant_session)
    assert matrix.value == old and "Restored" in matrix.status
    matrix._person.value = team[1]["id"]
    assert matrix._roles["Writing – original draft"].value == "lead"
    assert matrix._roles["Methodology"].value == "equal" and matrix._roles["Software"].label == "no part"
    assert f"<strong>Authors:</strong> {team[1]['name']} ({team[1]['role']})." in matrix._result.value
    matrix._person.value = team[4]["id"]
    assert matrix._accountable.value is True and matrix._approved.value is False
    mark(matrix, team[4]["id"], {"Resources": "lead"}, accountable=True)  # editing one leaves the other whole
    saved = participant_session.store.get_answer(participant_session.participant, "authorship", MATRIX).value
    assert saved[team[1]["id"]] == old[team[1]["id"]]
    assert saved[team[4]["id"]] == {"roles": {"Resources": "lead"}, "approved": False, "accountable": True}


def test_passing_locks_the_marks_but_not_the_names(participant_session):
    matrix = CreditMatrix(MATRIX, session=participant_session)
    matrix._pass.value = True
    assert all(c.disabled for c in matrix._controls()) and not matrix._person.disabled


def test_statement_of_an_empty_matrix_thanks_everyone(curriculum):
    team = curriculum.exercise(MATRIX)["team"]
    lines, authors, thanked = statement(team, None)
    assert lines == [] and authors == [] and len(thanked) == len(team)
