"""Sending an answer anonymously: for exercises the curriculum marks ``anonymous`` (the evaluation).

In place of "Who can read this answer?", the participant sees what anonymous means here and a
**Send anonymously** button.  Until they press it, the answer is a private draft like any other
(it saves itself, and only they can read it).  Sending keeps the answer with nothing that links it
to them (``Store.send_anonymously``) and deletes the draft; facilitators see it only among everyone
else's (totals, and written answers in random order), once at least k people have answered.
Because nothing links a sent answer to anyone, it can be neither changed nor withdrawn, and the
page says so before the button is pressed.
"""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.core.pairing import BadCode
from coproduction_kit.widgets.session import PARTICIPANT
from coproduction_kit.store import StoreError


def anonymous_note(k: int) -> str:
    """What the participant is told before sending (checked against the store by the tests)."""
    return (
        "This question is anonymous. Your answer stays a private draft until you press "
        "<em>Send anonymously</em>. Then it is kept with nothing that links it to you or your "
        "pseudonym, and your draft is deleted. The facilitators see it only together with everyone "
        "else's (totals, and written answers in random order), and only once at least "
        f"{k} people have answered. Because nothing links it to you, a sent answer cannot be "
        "changed or withdrawn."
    )


class AnonymousSend(w.VBox):
    """The note and the button that replace the share choice of an anonymous exercise."""

    def __init__(self, exercise):
        super().__init__()
        self.exercise = exercise
        k = exercise.session.config.room_min_answers
        self._note = w.HTML(f'<p class="workshop-anonymous-note">{anonymous_note(k)}</p>')
        self._button = w.Button(description="Send anonymously", tooltip="Send this answer with nothing that links it to you",
                                layout=w.Layout(width="auto"))
        self._button.on_click(lambda _: self.send())
        self.children = [self._note, self._button]
        self.sent = False

    def refresh(self) -> None:
        """Show whether this participant has already sent an answer (again once a waiting page binds)."""
        session = self.exercise.session
        self.sent = session.can_save and session.store.sent_anonymously(session.participant, self.exercise.exercise_id)
        if self.sent:
            self._lock("You have sent your answer anonymously. Thank you. It is not linked to you, "
                       "so it cannot be shown to you, changed or withdrawn.")
        else:
            self._button.disabled = session.mode != PARTICIPANT

    def send(self) -> bool:
        """Send the answer on the page; says on the page what happened."""
        exercise, session = self.exercise, self.exercise.session
        if exercise.passed:
            exercise._set_status("You passed on this question, so there is nothing to send.")
            return False
        try:  # the evaluation's statements carry a pairing code (widgets/kinds/matched_items.py)
            pairing = exercise.pairing_key() if hasattr(exercise, "pairing_key") else None
            session.store.send_anonymously(session.participant, exercise.module_id, exercise.exercise_id,
                                           exercise.value, pair_key=pairing)
        except (BadCode, StoreError) as err:
            # A draft save still waiting would write "Saved at …" over this; save it now instead.
            kept = exercise.flush()
            exercise._set_status(f"Not sent: {html.escape(str(err))}"
                                 + (" Your answer is kept here as your draft." if kept else ""), problem=True)
            return False
        except Exception:  # the store is unreachable: the answer stays on the page
            exercise._set_status("Not sent: the workshop server could not take your answer. It is still on "
                                 "this page; try again in a moment or tell a facilitator.", problem=True)
            return False
        self.sent = True
        self._lock("Sent anonymously. Thank you. Your draft was deleted; the answer is not linked to you, "
                   "so it cannot be changed or withdrawn." + (exercise.sent_note() if hasattr(exercise, "sent_note") else ""))
        return True

    def _lock(self, message: str) -> None:
        exercise = self.exercise
        if exercise._pending is not None:  # a draft save still waiting would bring the draft back
            exercise._pending.cancel()
            exercise._pending = None
        exercise._set_disabled(True)
        exercise._pass.disabled = True
        self._button.disabled = True
        exercise._set_status(message)
