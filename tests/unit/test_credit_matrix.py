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


def test_the_matrix_writes_the_statement_and_sorts_authors_from_acknowledged(participant_session, curriculum):
    team = curriculum.exercise(MATRIX)["team"]
    first, second = team[0], team[1]
    matrix = CreditMatrix(MATRIX, session=participant_session)
    marks = matrix._marks[first["id"]]
    marks["Conceptualization"].value = "lead"
    marks["Writing – original draft"].value = "equal"
    approved, accountable = matrix._checks[first["id"]]
    approved.value = accountable.value = True
    matrix._marks[second["id"]]["Project administration"].value = "lead"
    shown = matrix._result.value
    assert f"{first['name']} ({first['role']}): Conceptualization (lead); Writing – original draft (equal)." in shown
    assert f"<strong>Authors:</strong> {first['name']} ({first['role']})." in shown
    assert second["name"] in shown.split("Acknowledged instead:")[1]
    saved = participant_session.store.get_answer(participant_session.participant, "authorship", MATRIX).value
    assert saved[first["id"]] == {"roles": {"Conceptualization": "lead", "Writing – original draft": "equal"},
                                  "approved": True, "accountable": True}
    again = CreditMatrix(MATRIX, session=participant_session)
    assert again._marks[first["id"]]["Conceptualization"].value == "lead"
    text = answer_text(saved, curriculum.exercise(MATRIX))
    assert text.endswith("Acknowledged: " + ", ".join(f"{p['name']} ({p['role']})" for p in team[1:]))
    # The next question shows the participant their own matrix above the box.
    fair = Reflection("authorship.fair", session=participant_session)
    assert "Conceptualization (lead)" in fair.children[1].value


def test_statement_of_an_empty_matrix_thanks_everyone(curriculum):
    team = curriculum.exercise(MATRIX)["team"]
    lines, authors, thanked = statement(team, None)
    assert lines == [] and authors == [] and len(thanked) == len(team)
