"""The parts of a module page around its exercises: the opening, the keypoints and Submit.

All text comes from the curriculum data; everything a participant typed is escaped.
"""

from __future__ import annotations

import html

import ipywidgets as w
from IPython.display import HTML, display

from coproduction_kit.core import clock
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.review.journal import kept_versions
from coproduction_kit.widgets.looks import sharing_looks
from coproduction_kit.widgets.progress import ModuleProgress
from coproduction_kit.widgets.session import PARTICIPANT, PREVIEW, WAITING, Session, current_session
from coproduction_kit.core.kinds import answer_text
from coproduction_kit.store import FACILITATORS, ROOM
from coproduction_kit.store.outcomes import SubmitError

SHARED = (FACILITATORS, ROOM)  # what Submit sends (as nbgrader.exchange.SHARED)

START_PAGE = "/"
# An output so marked is written into the page's HTML by the Voilà template (index.html.j2), not drawn
# by its scripts: only for what is the same for every participant.
STATIC = {"workshop": "static"}


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>"


def _details(heading: str, items) -> str:
    """A list folded under its heading: a tap opens it."""
    return f'<details class="workshop-details"><summary>{html.escape(heading)}</summary>{_list(items)}</details>'


def _who(session: Session) -> str:
    if session.mode == PARTICIPANT:
        return (
            f"You are answering as <strong>{html.escape(session.participant.pseudonym)}</strong>. "
            f'<a href="{START_PAGE}">All modules and your progress</a>.'
        )
    if session.mode == PREVIEW:
        return "Preview: answers on this page are not kept or sent anywhere."
    if session.mode == WAITING:
        return "Opening your saved answers…"
    return (
        "This page does not know who you are yet, so it cannot keep your answers. "
        f'<a href="{START_PAGE}">Go to the start page</a> to choose a pseudonym.'
    )


def opening(module_id: str, session: Session) -> str:
    """The module's opening as HTML, the same for every participant: title, summary, objectives,
    its questions and agenda, its content note and the participant's choices."""
    module = load_curriculum(session.config.curriculum_dir).module(module_id)
    note = module.get("content_note")
    # On a phone the opening must not be a wall of text: the objectives are shown, and the questions
    # and the agenda are one tap away, each under a <details> summary.
    parts = [
        f'<h1 class="workshop-title">{html.escape(module["title"])}</h1>',
        f"<p>{html.escape(module['summary'])}</p>",
        "<h2>What you will be able to do</h2>",
        _list(objective["text"] for objective in module["objectives"]),
        _details("Questions this session answers", module["questions"]),
        _details("What this session covers", module["agenda"]),
    ]
    if note:
        parts.append(f'<p class="workshop-content-note"><strong>What we will discuss:</strong> {html.escape(note)}</p>')
    parts += [
        "<h2>Your choices</h2>",
        "<ul>"
        "<li>Every exercise can be passed: tick <em>Pass</em> and move on.</li>"
        "<li>Each answer is <strong>private</strong> unless you choose, answer by answer, to share it "
        "with the facilitators, or anonymously with the room (the room never sees your pseudonym; the "
        "facilitators do).</li>"
        "<li>Your answers save themselves as you go. When you are ready, <em>Submit</em> at the end "
        "sends only the answers you chose to share; you can change your mind and submit again, "
        "and the new submission replaces the earlier one.</li>"
        f"<li>{html.escape(kept_versions(session.store.max_revisions))}</li>"
        "</ul>",
    ]
    return "\n".join(parts)


@sharing_looks
def welcome(module_id: str, session: Session | None = None) -> w.HTML:
    """The module's opening (``opening``), then who is answering: the one part that is a widget.

    Above it, the page shows the module's progress line ("3 of 8 answered", ``progress.py``), kept
    at the top of the screen as the participant scrolls.  The opening is the same for everyone, so
    it goes out as the page's own HTML (``STATIC``): a phone paints it before Voilà's scripts have
    loaded.  The pseudonym line is known only once the page is bound to its participant.
    """
    session = session or current_session()
    display(ModuleProgress(module_id, session))
    display(HTML(opening(module_id, session)), metadata=STATIC)
    who_at_first = _who(session)
    page = w.HTML(f'<p class="workshop-who">{who_at_first}</p>', layout=w.Layout(width="100%"))
    session.when_bound(lambda: setattr(page, "value", page.value.replace(who_at_first, _who(session), 1)))
    return page


@sharing_looks
def keypoints(module_id: str, session: Session | None = None) -> w.HTML:
    """The module's keypoints, from the curriculum data."""
    session = session or current_session()
    module = load_curriculum(session.config.curriculum_dir).module(module_id)
    return w.HTML("<h2>Keypoints</h2>" + _list(module["keypoints"]), layout=w.Layout(width="100%"))


class SubmitPanel(w.VBox):
    """Shows what Submit will send, sends it to nbgrader, and shows what was sent."""

    def __init__(self, module_id: str, session: Session | None = None):
        super().__init__()
        self.module_id = module_id
        self.session = session or current_session()
        self.entries = load_curriculum(self.session.config.curriculum_dir).exercises(module_id)
        self._summary = w.HTML()
        self._button = w.Button(
            description="Submit my shared answers",
            button_style="primary",
            tooltip="Send the answers you chose to share to the facilitators",
            layout=w.Layout(width="auto"),
        )
        self._result = w.HTML()
        self._button.on_click(lambda _: self.submit())
        for exercise in self.session.exercises:
            if exercise.module_id == module_id:
                exercise.observe(lambda _: self._refresh(), ["share", "passed", "value"])
        self.children = [w.HTML("<h2>Submit</h2>"), self._summary, self._button, self._result]
        self._attach()
        self.session.when_bound(self._attach)

    def _attach(self):
        """Show whether Submit can send, and the last submission (again once a waiting page binds)."""
        self._button.disabled = self.session.mode != PARTICIPANT
        self._refresh()
        last = self.session.store.last_submission(self.session.participant, self.module_id) if self.session.can_save else None
        if last:
            self._result.value = (
                f"<p>You last submitted at {clock.shown(last['submitted_at'], self.session.config, '%H:%M')} "
                f"({last['answers_sent']} answer(s)). Submitting again replaces it.</p>"
            )

    def _refresh(self):
        shared = [
            e for e in self.session.exercises
            if e.module_id == self.module_id and e.share in SHARED and not e.passed
            and e.value not in (None, "")
        ]
        if self.session.mode == PREVIEW:
            self._summary.value = "<p>Preview: Submit is turned off.</p>"
        elif not shared:
            self._summary.value = (
                "<p>You have not chosen to share any answer yet. Private answers and passes are "
                "never sent.</p>"
            )
        else:
            self._summary.value = (
                f"<p>Submit will send {len(shared)} answer(s) you chose to share. Private answers "
                "and passes are never sent.</p>"
            )

    def _hand_in(self):
        session = self.session
        if session.config.identity == "hub":
            # The participant's server has no exchange: the workshop service places it (hub_service.py).
            return session.store.submit(self.module_id)
        # Here, not at the top: the exchange's code is loaded by the pages that submit, when they do.
        from coproduction_kit.nbgrader.exchange import submit_module

        return submit_module(
            session.store, session.participant, self.module_id, self.entries,
            session.config.course_dir, session.config.exchange_root, blind=session.config.blind_review,
        )

    def submit(self):
        """Save anything pending, then send the shared answers; the page says what happened."""
        if self.session.mode != PARTICIPANT:
            return None
        if not all(e.flush() for e in self.session.exercises if e.module_id == self.module_id):
            self._result.value = (
                '<p role="alert">Some answers could not be saved, so nothing was sent. '
                "See the message under the answer.</p>"
            )
            return None
        self._button.disabled = True
        try:
            result = self._hand_in()
        except SubmitError as err:
            self._result.value = f'<p role="alert">Not sent: {html.escape(str(err))}</p>'
            return None
        except Exception:  # a full disk, an unreachable store: nothing was sent, the text stays
            self._result.value = (
                '<p role="alert">Not sent: the workshop server could not write your submission. '
                "Your answers are saved and still on this page; please tell a facilitator.</p>"
            )
            return None
        finally:
            self._button.disabled = False
        entries = {e["id"]: e for e in self.entries}
        labels = {"facilitators": "with the facilitators", "room": "anonymously with the room"}
        items = "".join(
            f"<li><strong>{html.escape(entries[a.exercise_id]['prompt'])}</strong> "
            f"(shared {labels[a.share]})<br>"
            f"{html.escape(answer_text(a.value, entries[a.exercise_id])).replace(chr(10), '<br>')}</li>"
            for a in result.sent
        )
        self._result.value = (
            f'<div role="status"><p>Sent at {clock.shown(result.submitted_at, self.session.config)}: '
            f"{len(result.sent)} answer(s).</p><ul>{items}</ul></div>"
        )
        return result


@sharing_looks
def submit(module_id: str) -> SubmitPanel:
    """The Submit panel at the end of a module."""
    return SubmitPanel(module_id)
