"""The session budget planner: totals, the participant's own row, and a CSV that stays text."""

import base64
import csv
import io
import re

from coproduction_kit.widgets.kinds.budget_planner import BudgetPlanner, budget_csv, budget_rows

BUDGET = "payment.budget"


def test_totals_per_item_and_for_the_session(participant_session):
    planner = BudgetPlanner(BUDGET, session=participant_session)
    planner._controls["delivery-fees"]["quantity"].value = 2
    planner._controls["delivery-fees"]["unit_cost"].value = 60
    planner._controls["travel"]["quantity"].value = 2
    planner._controls["travel"]["unit_cost"].value = 12.5
    shown = planner._totals.value
    assert "$120.00" in shown and "$25.00" in shown and "<strong>$145.00</strong>" in shown
    saved = participant_session.store.get_answer(participant_session.participant, "payment", BUDGET).value
    assert saved["delivery-fees"] == {"quantity": 2, "unit_cost": 60}
    again = BudgetPlanner(BUDGET, session=participant_session)
    assert again._controls["travel"]["unit_cost"].value == 12.5


def test_the_csv_download_holds_the_rows_and_defuses_formulas(participant_session, curriculum):
    planner = BudgetPlanner(BUDGET, session=participant_session)
    planner._controls["own"]["label"].value = "=cmd|' /C calc'!A0"
    planner._controls["own"]["quantity"].value = 1
    planner._controls["own"]["unit_cost"].value = 10
    data = re.search(r"data:text/csv;base64,([A-Za-z0-9+/=]+)", planner._totals.value).group(1)
    rows = list(csv.reader(io.StringIO(base64.b64decode(data).decode("utf-8"))))
    assert rows[0] == ["Cost item", "Unit", "Quantity", "Unit cost", "Total"]
    assert rows[1][0].startswith("'=") and rows[-1] == ["Total", "", "", "", "10.00"]


def test_rows_without_a_quantity_are_left_out(curriculum):
    items = curriculum.exercise(BUDGET)["items"]
    assert budget_rows(items, {"food": {"quantity": 0, "unit_cost": 9}}) == []
    assert budget_csv([]).splitlines()[-1] == "Total,,,,0.00"
