"""The evaluation's statements, rated before, after and at the follow-up, paired by a code the participant holds.

The statements and their scales come from ``curriculum/evaluation.yaml`` (the same at every
phase); the exercise's ``phase`` says which this is.  Like every anonymous exercise, the ratings
are a private draft until **Send anonymously**; then they are kept with nothing that links them
to the participant.  At the baseline the page offers a pairing code of four words to note down;
at the end and the follow-up the participant types it again (or leaves the box empty: the answers
still count, unpaired).  The code is never saved as a draft: the store receives only its one-way
hash, with the sent answers (``core/pairing.py``).
"""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.core import pairing
from coproduction_kit.widgets.exercise import Exercise

BASELINE = "baseline"


def pairing_note() -> str:
    """What the page says about the code (checked against the store by the tests)."""
    return ("Your pairing code links your answers now and later to each other, never to you: the kit "
            "keeps only a scrambled form of it, beside answers that carry no pseudonym.")


class MatchedItems(Exercise):
    """One rating per statement; the answer maps each statement's id to its point on the scale."""

    def _build_input(self) -> w.Widget:
        self._ratings = {}
        rows = []
        for item in self.entry["items"]:
            spec = item["scale"]
            low, high = int(spec["min"]), int(spec["max"])
            options = [(f"{p} ({spec['min_label']})" if p == low else f"{p} ({spec['max_label']})" if p == high
                        else str(p), p) for p in range(low, high + 1)]
            buttons = w.RadioButtons(options=options, index=None, description=item["text"],
                                     style={"description_width": "initial"}, layout=w.Layout(width="auto"))
            buttons.observe(self._rated, "value")
            self._ratings[item["id"]] = buttons
            rows.append(buttons)
        self._code = pairing.new_code() if self.entry["phase"] == BASELINE else None
        self._code_shown = w.HTML()
        self._another = w.Button(description="Give me another code", layout=w.Layout(width="auto"),
                                 tooltip="Offer a different pairing code (before sending)")
        self._another.on_click(lambda _: self._offer(pairing.new_code()))
        self._typed_code = w.Text(description="Your pairing code, if you noted one", placeholder="four words",
                                  style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        note = w.HTML(f'<p class="workshop-pairing-note">{pairing_note()}</p>')
        if self._code is not None:
            self._offer(self._code)
            code = [self._code_shown, self._another, note]
        else:
            code = [self._typed_code, note]
        return w.VBox(rows + code, layout=w.Layout(width="100%"))

    def _offer(self, code: str) -> None:
        self._code = code
        self._code_shown.value = (
            f'<p class="workshop-pairing-code">Your pairing code: <strong>{html.escape(code)}</strong>. Note it '
            "down (on paper or in your phone) before you send: you will type it again at the end and at the "
            "follow-up. Once sent, it is kept nowhere the kit can show it to you again.</p>")

    def _rated(self, _change) -> None:
        rated = {item_id: b.value for item_id, b in self._ratings.items() if b.value is not None}
        self.value = rated or None

    def _show_value(self, value) -> None:
        for item_id, rating in (value or {}).items():
            buttons = self._ratings.get(item_id)
            if buttons is not None and rating in [v for _, v in buttons.options]:
                buttons.value = rating

    def _set_disabled(self, disabled: bool) -> None:
        for buttons in self._ratings.values():
            buttons.disabled = disabled
        self._another.disabled = self._typed_code.disabled = disabled

    def pairing_key(self) -> str | None:
        """What the store keeps of the code: its hash, or None when none was typed (``BadCode`` if malformed)."""
        code = self._code if self._code is not None else pairing.normalise(self._typed_code.value)
        return None if code is None else pairing.pair_key(self.session.config.workshop_id, code)

    def sent_note(self) -> str:
        """Said once the answers are sent: the code one last time at the baseline."""
        if self._code is not None:
            return (f" Your pairing code was <strong>{html.escape(self._code)}</strong>: note it now if you "
                    "have not; it cannot be shown again.")
        return "" if self._typed_code.value.strip() else " No pairing code was given, so these answers count unpaired."
