"""Vignettes on epistemic injustice: rate the credibility given, name what happened, then discuss.

For each short case the participant rates the credibility the person was given and names what,
if anything, happened (Fricker's testimonial or hermeneutical injustice, neither, or unsure).
Once both are answered the case's discussion note appears, including the reading that
disagrees.  Their own pattern across the cases is shown back to them, and to no one else.
"""

from __future__ import annotations

import html
from collections import Counter

import ipywidgets as w

from coproduction_kit.core.answers_text import READINGS
from coproduction_kit.widgets.exercise import Exercise

CREDIBILITY = [
    ("1: far less than they deserved", 1), ("2", 2), ("3: about what they deserved", 3), ("4", 4),
    ("5: more than they deserved", 5),
]


def pattern(value: dict) -> str:
    """The participant's own pattern across the cases, in words."""
    done = [v for v in (value or {}).values() if v.get("what") and v.get("credibility")]
    if not done:
        return ""
    counts = Counter(v["what"] for v in done)
    names = dict((code, label.lower()) for label, code in READINGS)
    parts = ", ".join(f"{names[code]} in {counts[code]}" for _, code in READINGS if counts[code])
    low = sum(1 for v in done if v["credibility"] <= 2)
    return (f"Across the {len(done)} case(s) you answered, you named {parts}; you judged that the person "
            f"was given less credibility than they deserved in {low}. Only you can see this.")


class Vignettes(Exercise):
    """The answer maps each case id to ``{"credibility": 1-5, "what": reading}``."""

    def _build_input(self) -> w.Widget:
        self._pickers: dict[str, tuple[w.RadioButtons, w.RadioButtons]] = {}
        self._notes: dict[str, w.HTML] = {}
        style = {"description_width": "initial"}
        cases = []
        for number, item in enumerate(self.entry["items"], start=1):
            story = w.HTML(f"<h4>Case {number}. {html.escape(item['setting'])}</h4><p>{html.escape(item['text'])}</p>")
            credibility = w.RadioButtons(options=CREDIBILITY, index=None, style=style,
                                         description=f"Case {number}: credibility given")
            reading = w.RadioButtons(options=READINGS, index=None, style=style,
                                     description=f"Case {number}: what happened?")
            for control in (credibility, reading):
                control.observe(self._answered, "value")
            self._pickers[item["id"]] = (credibility, reading)
            self._notes[item["id"]] = w.HTML()
            cases.append(w.VBox([story, credibility, reading, self._notes[item["id"]]],
                                layout=w.Layout(margin="0 0 1rem 0")))
        self._pattern = w.HTML()
        return w.VBox([*cases, self._pattern], layout=w.Layout(width="100%"))

    def _answered(self, _change):
        answers = {}
        for item_id, (credibility, reading) in self._pickers.items():
            if credibility.value is not None or reading.value is not None:
                answers[item_id] = {"credibility": credibility.value, "what": reading.value}
        self.value = answers or None
        self._after_answer()

    def _show_value(self, value) -> None:
        for item_id, answer in (value or {}).items():
            if item_id in self._pickers:
                credibility, reading = self._pickers[item_id]
                credibility.value, reading.value = answer.get("credibility"), answer.get("what")

    def _set_disabled(self, disabled: bool) -> None:
        for pair in self._pickers.values():
            for control in pair:
                control.disabled = disabled

    def _after_answer(self) -> None:
        for item in self.entry["items"]:
            answer = (self.value or {}).get(item["id"], {})
            complete = answer.get("credibility") and answer.get("what")
            self._notes[item["id"]].value = (
                f'<div class="workshop-feedback" role="note"><strong>To discuss:</strong> {html.escape(item["note"])}</div>'
                if complete else "")
        summary = pattern(self.value)
        self._pattern.value = f'<p class="workshop-pattern"><strong>Your pattern.</strong> {html.escape(summary)}</p>' if summary else ""
