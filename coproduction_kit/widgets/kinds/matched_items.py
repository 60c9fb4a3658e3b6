"""The evaluation's statements, rated before, after and at the follow-up, paired by a code the participant holds.

The statements and their scales come from ``curriculum/evaluation.yaml`` (the same at every
phase); the exercise's ``phase`` says which this is.  Like every anonymous exercise, the ratings
are a private draft until **Send anonymously**; then they are kept with nothing that links them
to the participant.  At the baseline the page offers a pairing code of four words to note down;
at the end and the follow-up the participant types it again (or leaves the box empty: the answers
still count, unpaired).  The code is never saved as a draft: the store receives only its one-way
hash, with the sent answers (``core/pairing.py``).

The code comes first at the baseline, large and easy to copy, with what it is for.  A reload
offers a new code (the page keeps the old one nowhere, as keeping it would tie it to the
participant); so the baseline also has the box, and a code typed there, such as the one noted
before a reload, is the one used.  A restored draft says that the page was opened before.
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


def code_purpose() -> str:
    """What the code is for, said beside it at the baseline."""
    return ("At the end of the sessions, and at a follow-up a few months later, you type it again, so that "
            "your ratings then can be set beside your ratings now. Note it now, on paper or in your phone "
            "(press and hold the words to copy them).")


def reload_note(restored: bool) -> str:
    """Why the box under the code is there: a reload shows a new code, and the kit cannot show the old one.

    Keeping the offered code in the participant's draft would tie it to their pseudonym (and so tie
    their sent answers, through its hash, to them); so the page keeps it nowhere, and the code the
    participant types here is the one used.
    """
    first = ("You have opened this page before, so the code above is a new one. "
             if restored else "Each time this page opens it shows a new code. ")
    return first + "Already noted a code from this page? Type that one in the box below: it is used instead."


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
        baseline = self.entry["phase"] == BASELINE
        self._code = pairing.new_code() if baseline else None
        self._code_shown = w.HTML(layout=w.Layout(width="100%"))
        self._another = w.Button(description="Give me another code", layout=w.Layout(width="auto"),
                                 tooltip="Offer a different pairing code (before sending)")
        self._another.on_click(lambda _: self._offer(pairing.new_code()))
        self._typed_code = w.Text(
            description="The code you noted (if any)" if baseline else "Your pairing code",
            placeholder="four words", style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self._typed_code.add_class("workshop-pairing-typed")
        self._reload_note = w.HTML(f'<p class="workshop-pairing-hint">{reload_note(False)}</p>')
        note = w.HTML(f'<p class="workshop-pairing-note">{pairing_note()}</p>')
        if baseline:  # the code first, where it is seen before the statements are rated
            self._offer(self._code)
            code = w.VBox([self._code_shown, self._another, self._reload_note, self._typed_code, note])
        else:
            hint = w.HTML('<p class="workshop-pairing-hint">Type the four words you noted at the start. No code '
                          "noted, or cannot find it? Leave the box empty: your ratings still count, just not "
                          "paired.</p>")
            code = w.VBox([hint, self._typed_code, note])
        code.add_class("workshop-pairing")
        return w.VBox([code, *rows] if baseline else [*rows, code], layout=w.Layout(width="100%"))

    def _offer(self, code: str) -> None:
        self._code = code
        self._code_shown.value = (
            '<p class="workshop-pairing-label">Your pairing code</p>'
            f'<p class="workshop-pairing-code">{html.escape(code)}</p>'
            f'<p class="workshop-pairing-purpose">{code_purpose()}</p>')

    def _rated(self, _change) -> None:
        rated = {item_id: b.value for item_id, b in self._ratings.items() if b.value is not None}
        self.value = rated or None

    def _show_value(self, value) -> None:
        if value and self._code is not None:  # a draft from an earlier visit: its code was not this one
            self._reload_note.value = f'<p class="workshop-pairing-hint"><strong>{reload_note(True)}</strong></p>'
        for item_id, rating in (value or {}).items():
            buttons = self._ratings.get(item_id)
            if buttons is not None and rating in [v for _, v in buttons.options]:
                buttons.value = rating

    def _set_disabled(self, disabled: bool) -> None:
        for buttons in self._ratings.values():
            buttons.disabled = disabled
        self._another.disabled = self._typed_code.disabled = disabled

    def pairing_key(self) -> str | None:
        """What the store keeps of the code: its hash, or None when none was typed (``BadCode`` if malformed).

        The typed code wins over the offered one: at the baseline it is the one noted before a reload.
        """
        code = pairing.normalise(self._typed_code.value) or self._code
        return None if code is None else pairing.pair_key(self.session.config.workshop_id, code)

    def sent_note(self) -> str:
        """Said once the answers are sent: at the baseline, the code used, one last time."""
        if self._code is not None:
            used = pairing.normalise(self._typed_code.value) or self._code
            return (f" Your pairing code was <strong>{html.escape(used)}</strong>: note it now if you "
                    "have not; it cannot be shown again.")
        return "" if self._typed_code.value.strip() else " No pairing code was given, so these answers count unpaired."
