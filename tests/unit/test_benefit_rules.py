"""Benefit rules the calculator applies: what it asks, and the date it shows for them."""

import pytest

from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.widgets.kinds.payment_calculator import (
    PaymentCalculator, estimate, load_facts, oldest_as_of, rules_used,
)

FACTS = load_facts(PROJECT_ROOT / "curriculum" / "facts" / "ontario-benefits.yaml")


def paid(amount, **inputs):
    return {"hours": 1, "preparation": 0, "rate": amount, **inputs}


def test_ontario_works_exemption_waits_for_three_months_in_a_row():
    # After three months: keep $200, half the rest deducted: (1,000 - 200) x 50% = 400.
    assert estimate(FACTS, paid(1000, situation="ow", months_on_assistance=3)).deduction == pytest.approx(400)
    # In the first months the exemption usually does not apply: the cautious estimate counts it all.
    early = estimate(FACTS, paid(1000, situation="ow", months_on_assistance=1))
    assert early.deduction == pytest.approx(1000) and early.keeps == 0
    assert any("Fewer than three months in a row on Ontario Works" in r for r in early.reasons)


def test_the_months_do_not_change_odsp():
    assert estimate(FACTS, paid(1500, situation="odsp", months_on_assistance=0)).deduction == pytest.approx(375)


def test_every_rule_has_an_as_of_that_is_a_source_date_or_says_it_is_not_recorded():
    for situation in FACTS["situations"]:
        if "earnings" in situation:
            assert str(situation["as_of"])[:4].isdigit(), situation["id"]
    assert FACTS["voluntary_payments"]["as_of"] == "not recorded"
    assert "read by the kit's team" in FACTS["rate_guidance"]["as_of"]  # a read date is not a source date


def test_the_oldest_as_of_of_the_rules_applied():
    assert oldest_as_of(rules_used(FACTS, {"situation": "odsp", "method": "cash"})) == \
        "the oldest rule used is as of 2023-02-01"
    assert "as of 2017" in oldest_as_of(rules_used(FACTS, {"situation": "ow", "method": "e-transfer"}))
    on_honorarium = oldest_as_of(rules_used(FACTS, {"situation": "odsp", "method": "honorarium"}))
    assert "as of 2023-02-01" in on_honorarium and "no date is recorded for: ODSP and Ontario Works" in on_honorarium
    assert rules_used(FACTS, {"situation": "none", "method": "cash"}) == []


def test_the_widget_asks_the_months_only_for_ontario_works_and_shows_the_oldest_date(participant_session):
    calculator = PaymentCalculator("payment.calculator", session=participant_session)
    months = calculator._fields["months_on_assistance"]
    assert months.description == "Months in a row on Ontario Works so far"
    assert months.layout.display == "none"
    calculator._fields["situation"].value = "ow"
    assert months.layout.display is None
    calculator._fields["hours"].value, calculator._fields["preparation"].value = 10, 0
    calculator._fields["rate"].value = 100
    assert "The oldest rule used is as of 2017." in calculator._result.value
    months.value = 1
    assert "Fewer than three months in a row" in calculator._result.value
    assert "the educator keeps $0.00" in calculator._result.value
    again = PaymentCalculator("payment.calculator", session=participant_session)
    assert again._fields["months_on_assistance"].value == 1  # restored with the other inputs
