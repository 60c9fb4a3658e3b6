"""The payment and benefits calculator: what a service-user educator actually keeps, and why.

``estimate`` is a pure function of the facts file (``curriculum/facts/*.yaml``: the rules, with
source, jurisdiction and date) and the inputs; ``PaymentCalculator`` is the exercise around it.
Worked example (tested): $1,500 of net earnings in a month on ODSP, nothing else earned, gives
(1,500 − 1,000) × 75% = $375 deducted.  It always says it is an estimate, not advice, and under
the result it names the oldest "as of" date among the rules it used.  Where a rule depends on
something more (Ontario Works' exemption waits for three months in a row on assistance), the
facts file says so and the calculator asks it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as w

from coproduction_kit.core.curriculum import read_yaml
from coproduction_kit.widgets.exercise import Exercise
from coproduction_kit.widgets.looks import own_look

DEFAULTS = {"hours": 2.0, "preparation": 1.0, "rate": 50.0, "method": "e-transfer", "situation": "none",
            "other_earnings": 0.0, "voluntary_so_far": 0.0, "months_on_assistance": 3}


@dataclass
class Estimate:
    payment: float
    deduction: float
    reasons: list[str] = field(default_factory=list)
    alternative: tuple[str, float] | None = None  # the other reading of an honorarium or gift card

    @property
    def keeps(self) -> float:
        return self.payment - self.deduction


def load_facts(path: str | Path) -> dict:
    return read_yaml(Path(path))


def _money(facts: dict, amount: float) -> str:
    return f"{facts.get('currency', '$')}{amount:,.2f}"


def _earnings_deduction(rule: dict, payment: float, other: float) -> float:
    """How much more is deducted because of this payment, on top of the month's other earnings."""
    def deducted(total: float) -> float:
        return max(0.0, total - rule["exempt_per_month"]) * rule["deduction_rate"]
    return deducted(other + payment) - deducted(other)


def estimate(facts: dict, inputs: dict) -> Estimate:
    """What the educator keeps from one payment, with the reasons in plain words."""
    values = {**DEFAULTS, **(inputs or {})}
    payment = max(0.0, float(values["hours"]) + float(values["preparation"])) * max(0.0, float(values["rate"]))
    situation = next(s for s in facts["situations"] if s["id"] == values["situation"])
    method = next(m for m in facts["methods"] if m["id"] == values["method"])
    reasons = [f"Payment: ({values['hours']:g} hours + {values['preparation']:g} hours of preparation) × "
               f"{_money(facts, float(values['rate']))} an hour = {_money(facts, payment)}."]
    rule = situation.get("earnings")
    if rule is None:
        reasons.append("No income-tested benefits: nothing is deducted (income tax may still apply).")
        return Estimate(payment, 0.0, reasons)
    if "earnings_after_months" in situation and float(values["months_on_assistance"]) < situation["earnings_after_months"]:
        rule = situation["earnings_before"]
        reasons.append(situation["earnings_before_note"])

    as_earnings = _earnings_deduction(rule, payment, float(values["other_earnings"]))
    earnings_reason = (
        f"As earnings under {situation['label']}: the first {_money(facts, rule['exempt_per_month'])} of net "
        f"earnings in a month is kept, then {rule['deduction_rate']:.0%} of the rest is deducted. With "
        f"{_money(facts, float(values['other_earnings']))} earned otherwise this month, this payment reduces "
        f"benefits by {_money(facts, as_earnings)}."
    )
    if method["treated_as"] == "earnings":
        reasons.append(earnings_reason)
        return Estimate(payment, as_earnings, reasons)

    voluntary = facts["voluntary_payments"]
    room = max(0.0, voluntary["exempt_per_12_months"] - float(values["voluntary_so_far"]))
    over = max(0.0, payment - room)
    reasons.append(
        f"As a voluntary payment ({method['label']}): up to {_money(facts, voluntary['exempt_per_12_months'])} "
        f"in 12 months is exempt; {_money(facts, room)} of that is left, so "
        + ("all of it is exempt." if over == 0 else
           f"{_money(facts, over)} is over the exemption and may be counted: ask the caseworker how.")
    )
    if method.get("note"):
        reasons.append(method["note"])
    reasons.append("If it were counted as earnings instead: " + earnings_reason)
    return Estimate(payment, 0.0, reasons, alternative=("counted as earnings", as_earnings))


def rules_used(facts: dict, inputs: dict) -> list[tuple[str, str]]:
    """The (source, as of) of every rule the estimate for these inputs rests on."""
    values = {**DEFAULTS, **(inputs or {})}
    situation = next(s for s in facts["situations"] if s["id"] == values["situation"])
    method = next(m for m in facts["methods"] if m["id"] == values["method"])
    if "earnings" not in situation:
        return []
    used = [(situation["source"], str(situation["as_of"]))]
    if method["treated_as"] != "earnings":
        voluntary = facts["voluntary_payments"]
        used.append((voluntary["source"], str(voluntary.get("as_of", "not recorded"))))
    return used


def oldest_as_of(used: list[tuple[str, str]]) -> str:
    """The oldest dated "as of" among the rules used (ISO dates and years sort as text), and any undated."""
    dated = sorted(as_of for _, as_of in used if as_of[:4].isdigit())
    undated = [source for source, as_of in used if not as_of[:4].isdigit()]
    parts = [f"the oldest rule used is as of {dated[0]}"] if dated else []
    parts += [f"no date is recorded for: {source}" for source in undated]
    return "; ".join(parts)


def rate_guidance(facts: dict) -> str:
    """Published rate suggestions from the facts file, with their source and date, if it has any."""
    guidance = facts.get("rate_guidance")
    if not guidance:
        return ""
    tiers = "; ".join(f"{t['level']}: {t['suggestion']}" for t in guidance["tiers"])
    return (f"<p class='workshop-rate-guidance'>For comparison: {html.escape(tiers)} "
            f"({html.escape(guidance['source'])}, as of {html.escape(str(guidance['as_of']))}).</p>")


class PaymentCalculator(Exercise):
    """The inputs are the answer (so a reload restores them); the estimate is shown beneath."""

    def _build_input(self) -> w.Widget:
        folder = Path(self.session.config.curriculum_dir) / "facts"
        self.facts = load_facts(folder / self.entry["facts"])
        style = {"description_width": "initial"}
        self._fields = {
            "hours": w.BoundedFloatText(value=DEFAULTS["hours"], min=0, max=200, step=0.5,
                                        description="Hours of teaching", style=style),
            "preparation": w.BoundedFloatText(value=DEFAULTS["preparation"], min=0, max=200, step=0.5,
                                              description="Hours of preparation and debrief", style=style),
            "rate": w.BoundedFloatText(value=DEFAULTS["rate"], min=0, max=1000, step=5,
                                       description="Rate per hour", style=style),
            "method": w.Dropdown(options=[(m["label"], m["id"]) for m in self.facts["methods"]],
                                 value=DEFAULTS["method"], description="Paid by", style=style),
            "situation": w.Dropdown(options=[(s["label"], s["id"]) for s in self.facts["situations"]],
                                    value=DEFAULTS["situation"], description="The educator's situation", style=style),
            "other_earnings": w.BoundedFloatText(value=0, min=0, max=100_000, step=50, style=style,
                                                 description="Other net earnings this month"),
            "voluntary_so_far": w.BoundedFloatText(value=0, min=0, max=100_000, step=50, style=style,
                                                   description="Voluntary payments in the last 12 months"),
        }
        asking = next((s for s in self.facts["situations"] if "months_question" in s), None)
        if asking:  # only a situation whose rule waits for months on assistance asks it
            self._fields["months_on_assistance"] = own_look(w.BoundedIntText(  # shown only when asked
                value=DEFAULTS["months_on_assistance"], min=0, max=600, step=1, style=style,
                description=asking["months_question"]))
        for control in self._fields.values():
            control.observe(self._changed_input, "value")
        self._result = w.HTML()
        self._show()
        return w.VBox([*self._fields.values(), w.HTML(rate_guidance(self.facts)), self._result],
                      layout=w.Layout(width="100%"))

    def inputs(self) -> dict:
        return {name: control.value for name, control in self._fields.items()}

    def _changed_input(self, _change):
        self.value = self.inputs()
        self._show()

    def _show_value(self, value) -> None:
        for name, setting in (value or {}).items():
            if name in self._fields:
                self._fields[name].value = setting
        self._show()

    def _set_disabled(self, disabled: bool) -> None:
        for control in self._fields.values():
            control.disabled = disabled

    def _show_months_question(self) -> None:
        if "months_on_assistance" in self._fields:
            situation = next(s for s in self.facts["situations"] if s["id"] == self._fields["situation"].value)
            self._fields["months_on_assistance"].layout.display = None if "months_question" in situation else "none"

    def _show(self):
        self._show_months_question()
        result = estimate(self.facts, self.inputs())
        money = lambda amount: html.escape(_money(self.facts, amount))  # noqa: E731
        lines = "".join(f"<li>{html.escape(reason)}</li>" for reason in result.reasons)
        other = ""
        if result.alternative:
            label, deduction = result.alternative
            other = (f"<p>If {html.escape(label)}: {money(deduction)} deducted, so the educator keeps "
                     f"{money(result.payment - deduction)}.</p>")
        used = rules_used(self.facts, self.inputs())
        sources = "".join(f"<li>{html.escape(source)} (as of {html.escape(as_of)})</li>" for source, as_of in used)
        oldest = f"<p class='workshop-oldest-rule'>{html.escape(oldest_as_of(used)[:1].upper() + oldest_as_of(used)[1:])}.</p>" if used else ""
        self._result.value = (
            "<div class='workshop-calculator' role='status' aria-live='polite'>"
            f"<p><strong>Paid {money(result.payment)}; estimated reduction in benefits {money(result.deduction)}; "
            f"the educator keeps {money(result.keeps)}.</strong></p>{other}<ul>{lines}</ul>"
            f"<p><strong>{html.escape(self.facts['disclaimer'])}</strong></p>"
            f"<p class='workshop-sources'>Rules for {html.escape(self.facts['jurisdiction'])}, last checked "
            f"{html.escape(str(self.facts['checked']))}:</p><ul>{sources or '<li>No benefit rules apply.</li>'}</ul>{oldest}</div>"
        )
