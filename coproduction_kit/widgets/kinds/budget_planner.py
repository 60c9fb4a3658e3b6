"""The session budget planner, in the spirit of the NIHR/INVOLVE involvement cost calculator.

Cost items (from the curriculum) × quantity × unit cost, a total per item and for the session,
one row of the participant's own, and a CSV download made in the page (nothing is fetched).
"""

from __future__ import annotations

import base64
import csv
import html
import io

import ipywidgets as w

from coproduction_kit.widgets.exercise import Exercise
from coproduction_kit.core.answers_text import OWN_ROW, budget_rows
from coproduction_kit.core.spreadsheet import neutralise_formula


def budget_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Cost item", "Unit", "Quantity", "Unit cost", "Total"])
    for label, unit, quantity, unit_cost, total in rows:
        writer.writerow([neutralise_formula(label), unit, f"{quantity:g}", f"{unit_cost:.2f}", f"{total:.2f}"])
    writer.writerow(["Total", "", "", "", f"{sum(r[4] for r in rows):.2f}"])
    return out.getvalue()


class BudgetPlanner(Exercise):
    """The answer maps each item id to its quantity and unit cost (and the own row to its label)."""

    def _build_input(self) -> w.Widget:
        style = {"description_width": "initial"}
        self._controls: dict[str, dict[str, w.Widget]] = {}
        rows = []
        for item in self.entry["items"]:
            controls = {
                "quantity": w.BoundedFloatText(value=0, min=0, max=10_000, step=1, style=style,
                                               description=f"{item['label']}: how many ({item['unit']})"),
                "unit_cost": w.BoundedFloatText(value=0, min=0, max=100_000, step=5, style=style,
                                                description=f"{item['label']}: cost per {item['unit']}"),
            }
            self._controls[item["id"]] = controls
            rows.append(w.VBox(list(controls.values()), layout=w.Layout(margin="0 0 0.5rem 0")))
        own = {
            "label": w.Text(description="Another cost item", placeholder="e.g. interpreter", style=style),
            "quantity": w.BoundedFloatText(value=0, min=0, max=10_000, description="How many", style=style),
            "unit_cost": w.BoundedFloatText(value=0, min=0, max=100_000, description="Cost each", style=style),
        }
        self._controls[OWN_ROW] = own
        rows.append(w.VBox(list(own.values())))
        for controls in self._controls.values():
            for control in controls.values():
                control.observe(self._edited, "value")
        self._totals = w.HTML()
        self._show()
        return w.VBox([*rows, self._totals], layout=w.Layout(width="100%"))

    def _current(self) -> dict:
        return {item_id: {name: c.value for name, c in controls.items()}
                for item_id, controls in self._controls.items()}

    def _edited(self, _change):
        self.value = self._current()
        self._show()

    def _show_value(self, value) -> None:
        for item_id, settings in (value or {}).items():
            for name, setting in settings.items():
                if item_id in self._controls and name in self._controls[item_id]:
                    self._controls[item_id][name].value = setting
        self._show()

    def _set_disabled(self, disabled: bool) -> None:
        for controls in self._controls.values():
            for control in controls.values():
                control.disabled = disabled

    def _show(self):
        rows = budget_rows(self.entry["items"], self._current())
        total = sum(r[4] for r in rows)
        body = "".join(
            f"<tr><th scope='row'>{html.escape(label)}</th><td>{quantity:g} {html.escape(unit)}</td>"
            f"<td>${unit_cost:,.2f}</td><td>${line:,.2f}</td></tr>"
            for label, unit, quantity, unit_cost, line in rows
        )
        data = base64.b64encode(budget_csv(rows).encode("utf-8")).decode("ascii")
        self._totals.value = (
            "<table class='workshop-budget'><caption>Your session budget</caption><thead><tr>"
            "<th scope='col'>Cost item</th><th scope='col'>Quantity</th><th scope='col'>Unit cost</th>"
            f"<th scope='col'>Total</th></tr></thead><tbody>{body}</tbody>"
            f"<tfoot><tr><th scope='row'>Session total</th><td></td><td></td><td><strong>${total:,.2f}</strong></td></tr></tfoot></table>"
            f"<p><a download='session-budget.csv' href='data:text/csv;base64,{data}'>Download this budget (CSV)</a></p>"
        )
