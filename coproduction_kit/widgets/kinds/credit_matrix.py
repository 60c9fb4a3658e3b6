"""The CRediT contribution matrix: who did what, who is an author, who is only thanked.

The participant marks one team member at a time: buttons with the six names choose whose part is
shown, then that person's 14 CRediT roles, each with a level (lead, equal, supporting, or no part),
and whether they approved the final version and agree to be accountable.  Nothing is wider than a
phone, and the same 16 controls serve every person, so the page stays light.  Under them, the
contribution statement says what has been given to whom, and each person is checked against
ICMJE's four criteria:
1. a substantial contribution to conception, design, data or analysis (here: a lead or equal part
   in one of those roles), 2. drafting or critical revision (any part in either writing role),
3. final approval, 4. accountability.  Those meeting fewer are acknowledged instead.  (The rules
are in ``core/credit.py``: the answer text and the counts use them too.)
"""

from __future__ import annotations

import html

import ipywidgets as w
from ipywidgets.widgets.widget_description import DescriptionStyle

from coproduction_kit.core.credit import CREDIT_ROLES, PARTS, icmje, statement
from coproduction_kit.widgets.exercise import Exercise


class CreditMatrix(Exercise):
    """The answer maps member id to ``{"roles": {role: part}, "approved": bool, "accountable": bool}``."""

    def _build_input(self) -> w.Widget:
        team = self.entry["team"]
        self._loading = False
        self._person = w.ToggleButtons(options=[(p["name"], p["id"]) for p in team], value=team[0]["id"],
                                       description="Whose part are you marking?", layout=w.Layout(width="100%"),
                                       style=w.ToggleButtonsStyle(description_width="initial"))
        self._person.add_class("workshop-choice-buttons")
        self._person.observe(lambda _change: self._show_value(self.value), "value")
        self._marking = w.HTML()
        # One layout and one style shared by the controls: fewer models for a phone to load.
        layout, style = w.Layout(width="auto", max_width="100%"), DescriptionStyle(description_width="initial")
        # "no part" is an empty string, not None: a Dropdown shows None as a blank box.
        self._roles = {role: w.Dropdown(options=[("no part", "")] + [(p, p) for p in PARTS], value="",
                                        layout=layout, style=style) for role in CREDIT_ROLES}
        self._approved, self._accountable = w.Checkbox(indent=False), w.Checkbox(indent=False)
        for control in self._controls():
            control.observe(self._marked, "value")
        self._result = w.HTML()
        story = self.entry.get("story")
        intro = [w.HTML(f"<p>{html.escape(story)}</p>")] if story else []
        self._show_value(None)
        self._after_answer()
        matrix = w.VBox([*intro, self._person, self._marking, *self._controls(), self._result],
                        layout=w.Layout(width="100%"))
        matrix.add_class("workshop-credit")
        return matrix

    def _controls(self) -> list[w.Widget]:
        return [*self._roles.values(), self._approved, self._accountable]

    def _member(self, value, person_id: str) -> dict:
        member = (value or {}).get(person_id) if isinstance(value, dict) else None
        return member if isinstance(member, dict) else {}

    def _marked(self, _change):
        if self._loading:
            return
        roles = {role: d.value for role, d in self._roles.items() if d.value}
        value = dict(self.value or {})
        value.pop(self._person.value, None)
        if roles or self._approved.value or self._accountable.value:
            value[self._person.value] = {"roles": roles, "approved": self._approved.value,
                                         "accountable": self._accountable.value}
        self.value = value or None
        self._after_answer()

    def _show_value(self, value) -> None:
        """Show the chosen person's marks in the controls (on a restore, and when the person changes)."""
        person = next(p for p in self.entry["team"] if p["id"] == self._person.value)
        member = self._member(value, person["id"])
        roles = member.get("roles") if isinstance(member.get("roles"), dict) else {}
        self._loading = True
        try:
            for role, dropdown in self._roles.items():
                dropdown.description = f"{person['name']}: {role}"
                dropdown.value = roles.get(role) if roles.get(role) in PARTS else ""
            self._approved.description = f"{person['name']} approved the final version"
            self._accountable.description = f"{person['name']} agrees to be accountable for the work"
            self._approved.value, self._accountable.value = bool(member.get("approved")), bool(member.get("accountable"))
        finally:
            self._loading = False
        self._show_marking()

    def _show_marking(self) -> None:
        person = next(p for p in self.entry["team"] if p["id"] == self._person.value)
        marked = sum(1 for d in self._roles.values() if d.value)
        self._marking.value = (
            f'<p class="workshop-marking" role="status">Marking <strong>{html.escape(person["name"])}</strong> '
            f'({html.escape(person["role"])}): {marked} of {len(CREDIT_ROLES)} roles marked. '
            "Choose another name above to mark someone else.</p>"
        )

    def _set_disabled(self, disabled: bool) -> None:
        for control in self._controls():  # the names stay: a locked matrix can still be read
            control.disabled = disabled

    def _after_answer(self) -> None:
        self._show_marking()
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
