"""The payment and benefits calculator: worked examples from the facts file."""

import pytest

from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.widgets.kinds.payment_calculator import PaymentCalculator, estimate, load_facts

FACTS = load_facts(PROJECT_ROOT / "curriculum" / "facts" / "ontario-benefits.yaml")


def paid(amount, **inputs):
    """Inputs that make a payment of ``amount`` (hours × rate, no preparation)."""
    return {"hours": 1, "preparation": 0, "rate": amount, **inputs}


def test_the_issue_worked_example_1500_on_odsp_is_375_deducted():
    result = estimate(FACTS, paid(1500, situation="odsp", method="e-transfer"))
    assert result.payment == 1500 and result.deduction == pytest.approx(375)
    assert result.keeps == pytest.approx(1125)


def test_other_earnings_use_up_the_exemption_first():
    # $600 earned elsewhere: only $400 of the exemption is left; (1,500 - 400) x 75% = 825.
    result = estimate(FACTS, paid(1500, situation="odsp", method="cash", other_earnings=600))
    assert result.deduction == pytest.approx(825)


def test_ontario_works_and_a_spouse_on_odsp_keep_200_then_half():
    for situation in ("ow", "odsp-spouse"):
        assert estimate(FACTS, paid(1000, situation=situation)).deduction == pytest.approx(400)


def test_no_benefits_nothing_deducted():
    assert estimate(FACTS, paid(1500, situation="none")).deduction == 0


def test_an_honorarium_within_the_voluntary_exemption_is_shown_both_ways():
    result = estimate(FACTS, paid(1500, situation="odsp", method="honorarium", voluntary_so_far=2000))
    assert result.deduction == 0
    assert result.alternative == ("counted as earnings", pytest.approx(375))
    assert any("$8,000.00 of that is left, so all of it is exempt" in r for r in result.reasons)


def test_an_honorarium_over_the_voluntary_exemption_says_so():
    result = estimate(FACTS, paid(1500, situation="odsp", method="honorarium", voluntary_so_far=9000))
    assert any("$500.00 is over the exemption" in r for r in result.reasons)


def test_hours_preparation_and_rate_make_the_payment():
    result = estimate(FACTS, {"hours": 2, "preparation": 1.5, "rate": 40, "situation": "none"})
    assert result.payment == pytest.approx(140)


def test_the_widget_shows_the_estimate_source_date_and_disclaimer(participant_session):
    calculator = PaymentCalculator("payment.calculator", session=participant_session)
    fields = calculator._fields
    fields["hours"].value, fields["preparation"].value, fields["rate"].value = 10, 0, 150
    fields["situation"].value = "odsp"
    shown = calculator._result.value
    assert "estimated reduction in benefits $375.00" in shown and "keeps $1,125.00" in shown
    assert "An estimate, not advice" in shown and "as of 2023-02-01" in shown
    saved = participant_session.store.get_answer(participant_session.participant, "payment", "payment.calculator")
    assert saved.value["situation"] == "odsp" and saved.value["rate"] == 150
    again = PaymentCalculator("payment.calculator", session=participant_session)
    assert again._fields["rate"].value == 150 and "$375.00" in again._result.value


def test_published_rate_suggestions_come_from_the_facts_file_with_their_source():
    from coproduction_kit.widgets.kinds.payment_calculator import rate_guidance

    shown = rate_guidance(FACTS)
    assert "Involve: $40 an hour" in shown and "Healthcare Excellence Canada" in shown and "as of" in shown
    assert rate_guidance({}) == ""
