"""The participant's start page: choose a pseudonym, see the modules and your progress.

Served by the workshop's Voilà server at ``/``.  A new participant picks a pseudonym (or keeps
the one suggested); the server stores only a hash of a fresh random secret and gives the secret
to the browser as a cookie, which module pages pass on to their kernels.  ``/?resume=<secret>``
continues on another device: it shows whom the link continues as (and whom this browser is signed
in as), and only its button (``POST /resume``) switches; ``/leave`` forgets the cookie on this
device.  The participant's own pages hang off the same cookie: ``/journal.md`` and
``/journal.html`` (every answer, private ones included), ``/feedback/<module>`` (the
facilitators' released feedback) and ``/withdraw``; ``/about`` says who made the kit.

Behind JupyterHub (``WorkshopConfig.identity = "hub"``) the same pages run inside each
participant's own server (``hub_extension.py``), and the participant is the hub user: no
pseudonym form, no cookie, no personal link.  There the store is the workshop service's client
(``coproduction_kit/store/client.py``), and feedback and withdrawal go through the service too.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from coproduction_kit.core import clock
from coproduction_kit.core.settings import WorkshopConfig
from coproduction_kit.core.curriculum import FOLLOW_UP, load_curriculum
from coproduction_kit.core.identity import (
    PARTICIPANT_COOKIE,
    PSEUDONYM_RULE,
    PseudonymError,
    hub_user,
    suggest_pseudonym,
)
from coproduction_kit.store import PseudonymTaken, Store
from coproduction_kit.authoring import TEMPLATES as AUTHORING_TEMPLATES

# The server's pages, and the "About this kit" section it shares with the session plan.
_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader([Path(__file__).parent / "templates", AUTHORING_TEMPLATES]), autoescape=True
)
COOKIE_DAYS = 30


def module_url(base_url: str, module_id: str) -> str:
    return f"{base_url}voila/render/{module_id}.ipynb"


def describe_progress(entry: dict | None, total: int, config=None) -> str:
    if not entry:
        return f"Not started ({total} exercises)."
    done = entry["answered"] + entry["passed"]
    text = f"{entry['answered']} of {total} answered"
    if entry["passed"]:
        text += f", {entry['passed']} passed"
    if done >= total:
        text += " (all done)"
    submitted = entry.get("submitted_at")
    text += f". Submitted at {clock.shown(submitted, config, '%H:%M')}." if submitted else ". Not submitted yet."
    return text


def render_plain_error(handler, status: int, message: str) -> None:
    """Finish ``handler`` with the workshop's plain error page."""
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=UTF-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(_templates.get_template("error.html").render(
        status=status, base_url=handler.base_url, message=message))


class _PlainErrors(JupyterHandler):
    """Error pages in plain words (Jupyter's own need settings this server does not have)."""

    def write_error(self, status_code, **kwargs):
        from coproduction_kit.server.join_door import TOO_MANY_TRIES

        render_plain_error(self, status_code, {
            403: "This request was refused. Reload the start page and try again.",
            404: "There is nothing here for you. Open the start page to choose a pseudonym "
                 "or see your modules.",
            429: TOO_MANY_TRIES,
        }.get(status_code, "Something went wrong on the workshop server."))


class _ParticipantHandler(_PlainErrors):
    """A page for the participant whose secret is in this browser's cookie."""

    def initialize(self, workshop: WorkshopConfig, store: Store):
        self.workshop = workshop
        self.store = store

    @property
    def behind_hub(self) -> bool:
        return self.workshop.identity == "hub"

    def _participant(self):
        if self.behind_hub:
            user = hub_user()
            return None, self.store.hub_participant(self.workshop.workshop_id, user) if user else None
        token = self.get_cookie(PARTICIPANT_COOKIE)
        return token, self.store.participant_by_token(self.workshop.workshop_id, token)

    def _feedback_file(self, participant, module_id: str) -> Path | None:
        from coproduction_kit.nbgrader.exchange import student_id

        from coproduction_kit.nbgrader.course import feedback_path

        path = feedback_path(self.workshop, student_id(participant, self.workshop.blind_review), module_id)
        return path if path.is_file() else None

    def _feedback_modules(self, participant) -> set[str]:
        """The modules with feedback released to this participant."""
        if self.behind_hub:  # the data folder is the workshop service's alone (hub_service.py)
            return self.store.feedback_modules()
        modules = load_curriculum(self.workshop.curriculum_dir).modules
        return {m for m in modules if self._feedback_file(participant, m) is not None}

    def _feedback_page(self, participant, module_id: str) -> bytes | None:
        if self.behind_hub:
            return self.store.feedback(module_id)
        path = self._feedback_file(participant, module_id)
        return path.read_bytes() if path else None

    def _require_participant(self):
        _, participant = self._participant()
        if participant is None:
            raise web.HTTPError(404)  # as if the page did not exist: nothing to guess at
        return participant


class LandingHandler(_ParticipantHandler):
    """GET shows the start page; POST registers a pseudonym."""

    def _render(self, participant=None, token=None, error=None, entered=None, status=200):
        curriculum = load_curriculum(self.workshop.curriculum_dir)
        progress = self.store.progress(participant) if participant else {}
        feedback = self._feedback_modules(participant) if participant else set()
        modules = [
            {
                "title": entry["title"],
                "summary": entry.get("summary", ""),
                "url": module_url(self.base_url, module_id),
                "progress": describe_progress(progress.get(module_id), len(entry["exercises"]), self.workshop),
                "feedback": module_id in feedback,
                "feedback_url": f"{self.base_url}feedback/{module_id}",
            }
            for module_id, entry in curriculum.modules.items()
        ]
        if self._follow_up_open(curriculum):  # months later, opened by `workshop followup`: offered first
            modules.insert(0, {
                "title": "Follow-up: the statements from the start, once more",
                "summary": "A few ratings, anonymous and optional, with the pairing code you noted at the start.",
                "url": module_url(self.base_url, FOLLOW_UP), "feedback": False, "feedback_url": "",
                "progress": describe_progress(progress.get(FOLLOW_UP), 1, self.workshop),
            })
        if participant is not None:
            self._joined(participant, curriculum, progress)
        page = _templates.get_template("landing.html").render(
            title=curriculum.series["title"],
            intro=curriculum.series.get(
                "intro", "Welcome. This workshop works best on a phone or laptop with the link open."
            ),
            participant=participant,
            modules=modules,
            rule=PSEUDONYM_RULE,
            error=error,
            entered=entered if entered is not None else suggest_pseudonym(),
            base_url=self.base_url,
            xsrf_form_html=jinja2.utils.markupsafe.Markup(self.xsrf_form_html()),
            resume_url=self._resume_url(token),
            behind_hub=self.behind_hub,
        )
        self.set_status(status)
        self.set_header("Cache-Control", "no-store")
        self.finish(page)

    def _follow_up_open(self, curriculum) -> bool:
        # Behind the hub ``self.store`` is the service's client, which asks the service (api/follow-up).
        return curriculum.evaluation is not None and self.store.follow_up_open(self.workshop.workshop_id)

    def _joined(self, participant, curriculum, progress: dict) -> None:
        """Tell the pools someone is here, and which modules they have finished (``room_sense.py``)."""
        joined = getattr(self.settings.get("kernel_manager"), "participant_joined", None)
        if joined is None:  # behind JupyterHub, or every kernel on demand
            return
        finished = {module_id for module_id, entry in progress.items() if module_id in curriculum.modules and (
            entry.get("submitted_at") or entry["answered"] + entry["passed"] >= len(curriculum.modules[module_id]["exercises"]))}
        joined(participant.id, finished)

    def _resume_url(self, token: str | None) -> str:
        """The personal link; on the room's network it also carries today's join token."""
        join = None if self.behind_hub else getattr(self.identity_provider, "token", None)
        query = (f"token={join}&" if join else "") + f"resume={token}"
        return f"{self.request.protocol}://{self.request.host}{self.base_url}?{query}"

    @web.authenticated
    def get(self):
        resume = self.get_argument("resume", None)
        if resume and not self.behind_hub:
            return self._offer_resume(resume)
        token, participant = self._participant()
        self._render(participant, token)

    def _offer_resume(self, secret: str):
        """A personal link says whom it continues as; switching is a button (``ResumeHandler``)."""
        target = self.store.participant_by_token(self.workshop.workshop_id, secret)
        _, current = self._participant()
        if target is not None and current is not None and current.id == target.id:
            # Already this participant here: only take the secret out of the address bar.
            return self.redirect(self.base_url)
        render_resume(self, secret, target, current)

    @web.authenticated
    def post(self):
        self.check_xsrf_cookie()
        if self.behind_hub:
            raise web.HTTPError(404)  # the hub user is the participant: there is nothing to choose
        entered = self.get_body_argument("pseudonym", "")
        try:
            participant, token = self.store.add_participant(self.workshop.workshop_id, entered)
        except (PseudonymError, PseudonymTaken) as err:
            return self._render(error=str(err), entered=entered[:200], status=400)
        remember(self, token)
        self.redirect(self.base_url)


def remember(handler, token: str) -> None:
    """Keep the participant secret in this browser (HTTPS-only when the server speaks HTTPS)."""
    handler.set_cookie(
        PARTICIPANT_COOKIE, token, path=handler.base_url, httponly=True, samesite="Lax",
        expires_days=COOKIE_DAYS, secure=handler.request.protocol == "https",
    )


def render_resume(handler, secret: str, target, current) -> None:
    """The page a personal link opens: whom it continues as, and whom this browser is now."""
    # The secret is in this page's address: no Referer may carry it, and no cache may keep it.
    handler.set_header("Referrer-Policy", "strict-origin")
    handler.set_header("Cache-Control", "no-store")
    handler.set_status(200 if target is not None else 404)
    handler.finish(_templates.get_template("resume.html").render(
        target=target, current=current, secret=secret, base_url=handler.base_url,
        xsrf_form_html=jinja2.utils.markupsafe.Markup(handler.xsrf_form_html()),
    ))


class ResumeHandler(_ParticipantHandler):
    """``POST /resume``: this browser continues as the participant whose personal link was opened."""

    @web.authenticated
    def post(self):
        self.check_xsrf_cookie()
        if self.behind_hub:
            raise web.HTTPError(404)
        secret = self.get_body_argument("resume", "")
        target = self.store.participant_by_token(self.workshop.workshop_id, secret)
        if target is None:
            _, current = self._participant()
            return render_resume(self, secret, None, current)
        remember(self, secret)
        # Redirect after POST: the next address holds no secret, and a reload sends nothing again.
        self.redirect(self.base_url, status=303)


class LeaveHandler(_PlainErrors):
    """Forget the participant on this device (their answers stay in the store)."""

    @web.authenticated
    def post(self):
        self.check_xsrf_cookie()
        self.clear_cookie(PARTICIPANT_COOKIE, path=self.base_url)
        self.redirect(self.base_url)



class JournalHandler(_ParticipantHandler):
    """``/journal.md`` and ``/journal.html``: the participant's own answers, private ones included."""

    @web.authenticated
    def get(self, extension: str):
        from urllib.parse import quote

        from coproduction_kit.review.journal import journal_html, journal_markdown

        participant = self._require_participant()
        curriculum = load_curriculum(self.workshop.curriculum_dir)
        if extension == "md":
            body = journal_markdown(self.store, participant, curriculum, self.workshop)
            self.set_header("Content-Type", "text/markdown; charset=UTF-8")
        else:
            body = journal_html(self.store, participant, curriculum, self.workshop)
            self.set_header("Content-Type", "text/html; charset=UTF-8")
        name = f"journal-{participant.pseudonym}.{extension}"
        self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}")
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


class FeedbackHandler(_ParticipantHandler):
    """``/feedback/<module>``: the facilitators' feedback on this participant's reflections."""

    @web.authenticated
    def get(self, module_id: str):
        participant = self._require_participant()
        if module_id not in load_curriculum(self.workshop.curriculum_dir).modules:
            raise web.HTTPError(404)
        page = self._feedback_page(participant, module_id)
        if page is None:
            raise web.HTTPError(404)
        # nbgrader's page is shown as a document only: no scripts, nothing fetched from elsewhere.
        self.set_header("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(page)


class AboutHandler(_ParticipantHandler):
    """``/about``: who made the kit and how a programme adapts it with its service-user educators."""

    @web.authenticated
    def get(self):
        from coproduction_kit.authoring.contributors import ADAPTING, load_contributors

        about = load_contributors(Path(self.workshop.curriculum_dir))
        names = {c["id"]: c["name"] for c in (about or {}).get("contributors", [])}
        back = self.base_url + ("workshop/" if self.behind_hub else "")
        self.finish(_templates.get_template("about.html").render(
            about=about, adapting=ADAPTING, names=names, back_url=back,
        ))


class WithdrawHandler(_ParticipantHandler):
    """``/withdraw``: GET asks for confirmation; POST removes every copy of the participant's answers."""

    @web.authenticated
    def get(self):
        participant = self._require_participant()
        self.finish(_templates.get_template("withdraw.html").render(
            participant=participant, base_url=self.base_url, done=None,
            xsrf_form_html=jinja2.utils.markupsafe.Markup(self.xsrf_form_html()),
        ))

    @web.authenticated
    def post(self):
        from coproduction_kit.review.forget import withdraw

        self.check_xsrf_cookie()
        participant = self._require_participant()
        if self.get_body_argument("confirm", "") != "yes":
            return self.redirect(self.base_url + "withdraw")
        if self.behind_hub:  # every copy is where only the workshop service can reach it
            removed = self.store.withdraw()
        else:
            removed = withdraw(self.workshop, self.store, participant)
        self.clear_cookie(PARTICIPANT_COOKIE, path=self.base_url)
        self.finish(_templates.get_template("withdraw.html").render(
            participant=participant, base_url=self.base_url, done=removed, xsrf_form_html="",
        ))
