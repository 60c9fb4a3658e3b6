"""The CRediT contribution matrix: who did what, who is an author, who is only thanked.

The participant marks each team member's part in CRediT's 14 roles (lead, equal, supporting) and
whether they approved the final version and agree to be accountable.  The widget writes the
contribution statement and checks each person against ICMJE's four criteria:
1. a substantial contribution to conception, design, data or analysis (here: a lead or equal part
   in one of those roles), 2. drafting or critical revision (any part in either writing role),
3. final approval, 4. accountability.  Those meeting fewer are acknowledged instead.  (The rules
are in ``core/credit.py``: the answer text and the counts use them too.)
"""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.core.credit import CREDIT_ROLES, PARTS, icmje, statement
from coproduction_kit.widgets.exercise import Exercise


class CreditMatrix(Exercise):
    """The answer maps member id to ``{"roles": {role: part}, "approved": bool, "accountable": bool}``."""

    def _build_input(self) -> w.Widget:
        self._marks: dict[str, dict[str, w.Dropdown]] = {}
        self._checks: dict[str, tuple[w.Checkbox, w.Checkbox]] = {}
        panels = []
        style = {"description_width": "initial"}
        for person in self.entry["team"]:
            marks = {
                role: w.Dropdown(options=[("no part", None)] + [(p, p) for p in PARTS], value=None,
                                 description=f"{person['name']}: {role}", style=style)
                for role in CREDIT_ROLES
            }
            approved = w.Checkbox(description=f"{person['name']} approved the final version", indent=False)
            accountable = w.Checkbox(description=f"{person['name']} agrees to be accountable for the work", indent=False)
            for control in [*marks.values(), approved, accountable]:
                control.observe(self._marked, "value")
            self._marks[person["id"]], self._checks[person["id"]] = marks, (approved, accountable)
            panels.append(w.VBox([*marks.values(), approved, accountable]))
        people = w.Accordion(children=panels, selected_index=None)
        for index, person in enumerate(self.entry["team"]):
            people.set_title(index, f"{person['name']}, {person['role']}")
        self._result = w.HTML()
        story = self.entry.get("story")
        intro = [w.HTML(f"<p>{html.escape(story)}</p>")] if story else []
        self._after_answer()
        return w.VBox([*intro, people, self._result], layout=w.Layout(width="100%"))

    def _current(self) -> dict:
        value = {}
        for person_id, marks in self._marks.items():
            roles = {role: d.value for role, d in marks.items() if d.value}
            approved, accountable = (c.value for c in self._checks[person_id])
            if roles or approved or accountable:
                value[person_id] = {"roles": roles, "approved": approved, "accountable": accountable}
        return value

    def _marked(self, _change):
        self.value = self._current() or None
        self._after_answer()

    def _show_value(self, value) -> None:
        for person_id, member in (value or {}).items():
            if person_id not in self._marks:
                continue
            for role, part in member.get("roles", {}).items():
                if role in self._marks[person_id]:
                    self._marks[person_id][role].value = part
            approved, accountable = self._checks[person_id]
            approved.value, accountable.value = bool(member.get("approved")), bool(member.get("accountable"))

    def _set_disabled(self, disabled: bool) -> None:
        for person_id, marks in self._marks.items():
            for control in [*marks.values(), *self._checks[person_id]]:
                control.disabled = disabled

    def _after_answer(self) -> None:
        lines, authors, thanked = statement(self.entry["team"], self.value)
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines) or "<li>Nothing marked yet.</li>"
        rows = "".join(
            "<tr><th scope='row'>{}</th>{}</tr>".format(
                html.escape(p["name"]),
                "".join(f"<td>{'yes' if met else 'no'}</td>" for met in icmje((self.value or {}).get(p["id"], {})).values()))
            for p in self.entry["team"]
        )
        self._result.value = (
            f"<h4>Contribution statement</h4><ul>{items}</ul>"
            "<table><caption>ICMJE's four criteria, as you marked them</caption><thead><tr><th scope='col'>Member</th>"
            "<th scope='col'>Substantial contribution</th><th scope='col'>Drafting or revision</th>"
            "<th scope='col'>Final approval</th><th scope='col'>Accountability</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            f"<p><strong>Authors:</strong> {html.escape(', '.join(authors) or 'nobody yet')}.</p>"
            f"<p><strong>Acknowledged instead:</strong> {html.escape(', '.join(thanked) or 'nobody')}. "
            "Is that fair? The next question asks.</p>"
        )
