"""The reflective exercise: what every exercise in every module shares.

A participant sees the prompt, their answer control, who may read the answer (kept private
by default), a way to pass, and a short line saying whether the answer is saved.  Every
change is saved to the store after a short pause in typing; opening the page again restores
the draft.  Subclasses supply only the answer control (free text, scale, choice, ...).
"""

from __future__ import annotations

import asyncio
import html

import ipywidgets as w
from traitlets import Any, Bool, Enum, Instance, Int, Unicode, observe

from coproduction_kit.core import clock
from coproduction_kit.core.curriculum import is_core, load_curriculum
from coproduction_kit.widgets.session import PARTICIPANT, PREVIEW, WAITING, Session, current_session
from coproduction_kit.store import FACILITATORS, PRIVATE, ROOM, SHARE_LEVELS, SavingTooFast, StoreError

SHARE_CHOICES = [
    ("Keep private (only I can see it)", PRIVATE),
    ("Share with the facilitators", FACILITATORS),
    ("Share anonymously with the room", ROOM),
]


class Exercise(w.VBox):
    """One exercise on the page, bound to one record in the store."""

    exercise_id = Unicode(help="Stable id from the curriculum, e.g. 'payment.gift-card-case'.")
    module_id = Unicode(help="The module this exercise belongs to (the id's first part).")
    prompt = Unicode(help="The question shown to the participant, from the curriculum data.")
    value = Any(None, allow_none=True, help="The participant's answer; None until they answer.")
    share = Enum(SHARE_LEVELS, PRIVATE, help="Who may read the answer once submitted.")
    passed = Bool(False, help="True when the participant chose to pass on this exercise.")
    revision = Int(0, help="How many times this answer has been saved.")
    saved_at = Any(None, allow_none=True, help="When the answer was last saved (UTC), or None.")
    status = Unicode("", help="The save status line the participant sees.")
    session = Instance(Session, allow_none=True, help="Where answers are saved (the kernel's own).")

    def __init__(self, exercise_id: str, session: Session | None = None, **kwargs):
        session = session or current_session()
        entry = load_curriculum(session.config.curriculum_dir).exercise(exercise_id)
        super().__init__(
            exercise_id=exercise_id,
            module_id=exercise_id.split(".", 1)[0],
            prompt=entry["prompt"],
            session=session,
            **kwargs,
        )
        self.entry = entry
        self._pending = None
        self._restoring = True
        self._prompt_html = w.HTML(self._prompt_markup(), layout=w.Layout(width="100%"))
        self._input = self._build_input()
        self._share = w.RadioButtons(
            options=SHARE_CHOICES,
            value=PRIVATE,
            description="Who can read this answer?",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self._pass = w.Checkbox(
            value=False, description="Pass: I'd rather not answer this one", indent=False,
            layout=w.Layout(width="auto"),
        )
        self._status = w.HTML(layout=w.Layout(min_height="1.5em"))
        self._share.observe(lambda change: setattr(self, "share", change["new"]), "value")
        self._pass.observe(lambda change: setattr(self, "passed", change["new"]), "value")
        self.children = self._layout_children()
        self._anonymous = None
        if entry.get("anonymous"):  # no share choice: a private draft, then Send anonymously
            from coproduction_kit.widgets.anonymous import AnonymousSend

            self._anonymous = AnonymousSend(self)
            self.children = [self._anonymous if child is self._share else child for child in self.children]
        self.add_class("workshop-exercise")
        self._attach()
        session.when_bound(self._attach)
        session.add_exercise(self)  # restored first, so the progress line counts it at once

    # What subclasses provide ----------------------------------------------------------------
    def _build_input(self) -> w.Widget:
        raise NotImplementedError

    def _show_value(self, value) -> None:
        """Put a restored value into the answer control."""
        raise NotImplementedError

    def _set_disabled(self, disabled: bool) -> None:
        """Lock or unlock the answer control (subclasses with several controls lock each)."""
        self._input.disabled = disabled

    def _layout_children(self) -> list[w.Widget]:
        return [self._prompt_html, self._input, self._pass, self._share, self._status]

    def _after_answer(self) -> None:
        """Hook for feedback shown once answered (a discussion note, never a score)."""

    def _participant_known(self) -> None:
        """Hook for parts drawn from the participant's earlier answers (a look-back, a map)."""

    # Behaviour ----------------------------------------------------------------------------
    def _prompt_markup(self) -> str:
        prompt = html.escape(self.prompt)
        source = self.entry.get("source")
        if source:  # the paper's own question, shown as a quotation with its citation
            module = load_curriculum(self.session.config.curriculum_dir).module(self.module_id)
            cite = next((r["cite"] for r in module.get("references", []) if r["id"] == source), source)
            prompt = f"“{prompt}” ({html.escape(cite)})"
        # An optional exercise says so before its prompt: it is the first to leave out when time runs short.
        mark = '' if is_core(self.entry) else '<span class="workshop-optional">Optional</span> '
        return f'<p class="workshop-prompt">{mark}{prompt}</p>'

    def _restore(self):
        if not self.session.can_save:
            return
        answer = self.session.store.get_answer(
            self.session.participant, self.module_id, self.exercise_id
        )
        if answer is None:
            if self.session.mode == PARTICIPANT:
                self._set_status("Not answered yet. Your answer saves itself as you go.")
            return
        self.value = answer.value
        self._show_value(answer.value)
        self.share = answer.share
        self._share.value = answer.share
        self.passed = answer.passed
        self._pass.value = answer.passed
        self.revision = answer.revision
        self.saved_at = answer.saved_at
        self._set_status(f"Restored your saved answer (saved {self._clock(answer.saved_at)}).")
        self._after_answer()

    def _attach(self):
        """Show what the session knows: the participant's saved answer, or why the page is locked.

        Runs when the exercise is built, and again when a waiting (preheated) page learns who
        is answering.
        """
        self._restoring = True
        try:
            if self.session.can_save:
                self._participant_known()
            self._restore()
        finally:
            self._restoring = False
        if self.session.mode in (PARTICIPANT, PREVIEW):
            self._set_disabled(self.passed)
            self._share.disabled = self._pass.disabled = False
            if self.session.mode == PREVIEW and not self.status:
                self._set_status("Preview: answers are kept only while this page is open.")
            if self._anonymous is not None:
                self._anonymous.refresh()
            return
        self._set_disabled(True)
        self._share.disabled = self._pass.disabled = True
        if self.session.mode == WAITING:
            self._set_status("Opening your saved answers…")
            return
        self._set_status(
            'This page does not know who you are yet, so it cannot keep your answers. '
            '<a href="/">Go to the start page</a> to choose a pseudonym, then open this module again.'
        )

    @observe("value", "share", "passed")
    def _changed(self, change):
        if self._restoring or not self.session.can_save:
            return
        if self._anonymous is not None and self._anonymous.sent:
            return  # sent: nothing of it is kept linked to the participant any more
        if change["name"] == "passed":
            self._set_disabled(change["new"])
        self._schedule_save()

    def _schedule_save(self):
        self._set_status("Saving…")
        delay = self.session.config.autosave_delay
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (plain Python): save at once
            loop = None
        if loop is None or delay <= 0:
            self.save()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(delay, self.save)

    def save(self) -> bool:
        """Save now; returns False (and says why on the page) if the store refused."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        try:
            answer = self.session.store.save_answer(
                self.session.participant, self.module_id, self.exercise_id,
                self.value, share=self.share, passed=self.passed,
            )
        except SavingTooFast as err:
            # The text stays in the control; whatever it holds then is what gets saved.
            self._set_status(html.escape(str(err)), problem=True)
            self._retry_later(err.retry_after)
            return False
        except StoreError as err:
            self._set_status(f"Not saved: {html.escape(str(err))}", problem=True)
            return False
        except Exception:  # the store is unreachable or full: keep the text on the page
            self._set_status(
                "Not saved: the workshop server could not store your answer. Your text is still "
                "on this page; keep it open and tell a facilitator.", problem=True,
            )
            return False
        self.revision = answer.revision
        self.saved_at = answer.saved_at
        self._set_status(f"Saved at {self._clock(answer.saved_at)}.")
        self._after_answer()
        return True

    def _retry_later(self, seconds: float) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # plain Python: the next change or Submit saves it
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(seconds, self.save)

    def flush(self) -> bool:
        """Save a pending change at once (before a submit); True when nothing is left unsaved."""
        if self._pending is None:
            return True
        return self.save()

    def _set_status(self, message: str, problem: bool = False):
        self.status = message
        css = "workshop-status workshop-status-problem" if problem else "workshop-status"
        self._status.value = f'<span class="{css}" role="status" aria-live="polite">{message}</span>'

    def _clock(self, moment) -> str:
        """The time of a save on the room's clock (``WorkshopConfig.timezone``), e.g. 10:42:03."""
        return clock.shown(moment, self.session.config)
