"""The workshop's door on JupyterHub: the only process that holds the store and the data folder.

A JupyterHub service named ``workshop`` (started by the hub, ``coproduction_kit/server/hub.py``, or run beside
it on Kubernetes, ``hub/k8s/workshop-service.yaml``).  Participants' servers hold neither the
store's login nor the nbgrader course and exchange; their pages and start page ask this service
instead (``coproduction_kit/store/client.py``), with their server's own hub token.  The service asks the
hub whose token it is, and every read and write is then that hub user's and no one else's:

    GET  api/participant                     who you are here (registered on the first call)
    GET  api/limits                          the store's limits (answer length, versions kept)
    GET  api/answers[?module=M]              your answers (the journal reads these)
    GET  api/answers/M/E                     one answer, or null
    PUT  api/answers/M/E                     save it: {"value": ..., "share": ..., "passed": ...}
    GET  api/progress                        your progress per module
    GET  api/submissions/M                   your last submission of module M, or null
    POST api/submissions/M                   submit your shared answers of M to nbgrader
    GET  api/feedback                        the modules with feedback released to you
    GET  api/feedback/M                      your feedback page for module M (HTML)
    POST api/withdraw                        remove every copy of your answers
    GET  api/anonymous/E                     whether you have sent exercise E anonymously
    POST api/anonymous/M/E                   send it anonymously: {"value": ..., "pair_key": ...} (then unlinked)
    GET  api/follow-up                       whether the evaluation's follow-up is open (the start page offers it)

No request names a participant: there is nothing to change to reach someone else.  A refusal
the participant should read (a prompt closed, an answer too long, a module not prepared) comes
back as ``400 {"error": "<plain words>", "kind": "<StoreError class>"}``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import re
import signal
from datetime import datetime
from urllib.parse import urlparse

from jupyterhub.services.auth import HubAuthenticated
from jupyterhub.utils import url_path_join
from tornado import httpserver, ioloop, web

from coproduction_kit.core.settings import WorkshopConfig, load_config
from coproduction_kit.core.curriculum import CurriculumError, load_curriculum
from coproduction_kit.core.private_files import umask_for
from coproduction_kit.store import SHARE_LEVELS, Participant, Store, StoreError, migrate
from coproduction_kit.nbgrader.exchange import SubmitError, student_id, submit_module

from coproduction_kit.server.hub import SERVICE_NAME

_MODULE = r"([a-z0-9][a-z0-9-]{0,63})"
_EXERCISE = r"([a-z0-9][a-z0-9.-]{0,127})"
log = logging.getLogger("coproduction_kit.server.hub_service")


def to_json(value):
    """Answers, participants and submissions as JSON (times in ISO 8601, UTC)."""
    if dataclasses.is_dataclass(value):
        return {k: to_json(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


class Door:
    """What every handler shares: the workshop's settings and its one store."""

    def __init__(self, workshop: WorkshopConfig, store: Store):
        self.workshop = workshop
        self.store = store

    def exercises(self, module_id: str) -> list[dict]:
        try:
            return load_curriculum(self.workshop.curriculum_dir).exercises(module_id)
        except CurriculumError:
            raise web.HTTPError(404) from None


class _ParticipantAPI(HubAuthenticated, web.RequestHandler):
    """A request from one hub user: ``self.participant`` is theirs, found from their token alone."""

    def initialize(self, door: Door):
        self.door = door
        self.participant: Participant | None = None

    def check_xsrf_cookie(self):
        """Tokens only (never the hub's cookies), so there is nothing a page elsewhere could forge."""

    async def prepare(self):
        # HubAuth asks the hub about the token (cached for a while): run it off the event loop.
        user = await asyncio.to_thread(self.get_current_user)
        if not user or user.get("kind") != "user":
            raise web.HTTPError(403)  # no token, a token without access to this service, or a service
        self.participant = await self.run(
            self.door.store.hub_participant, self.door.workshop.workshop_id, user["name"])

    async def run(self, function, *args, **kwargs):
        """The store and nbgrader block: do their work in a thread so others are not kept waiting."""
        return await asyncio.to_thread(function, *args, **kwargs)

    def reply(self, value, status: int = 200):
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(to_json(value), ensure_ascii=False))

    def body(self) -> dict:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise web.HTTPError(400, reason="Expected a JSON object")
        return body

    def write_error(self, status_code, **kwargs):
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, (StoreError, SubmitError)):
            return self.reply({"error": str(error), "kind": type(error).__name__}, status=400)
        if isinstance(error, OSError):
            log.error("Could not write for participant %s", getattr(self.participant, "id", None),
                      exc_info=kwargs.get("exc_info"))
            return self.reply({"error": "The workshop server could not write this.", "kind": "OSError"},
                              status=500)
        self.reply({"error": self._reason, "kind": "HTTPError"}, status=status_code)


class ParticipantHandler(_ParticipantAPI):
    def get(self):
        # Not the review code: blind review keeps it between the store and the facilitators.
        self.reply({"id": self.participant.id, "workshop_id": self.participant.workshop_id,
                    "pseudonym": self.participant.pseudonym})


class LimitsHandler(_ParticipantAPI):
    def get(self):
        store = self.door.store
        self.reply({"max_answer_chars": store.max_answer_chars, "max_revisions": store.max_revisions})


class AnswersHandler(_ParticipantAPI):
    async def get(self):
        module_id = self.get_argument("module", None)
        self.reply(await self.run(self.door.store.answers_for, self.participant, module_id))


class AnswerHandler(_ParticipantAPI):
    async def get(self, module_id: str, exercise_id: str):
        self.reply(await self.run(self.door.store.get_answer, self.participant, module_id, exercise_id))

    async def put(self, module_id: str, exercise_id: str):
        body = self.body()
        share = body.get("share", "private")
        if share not in SHARE_LEVELS:
            raise StoreError(f"Unknown share level {share!r}; expected one of {SHARE_LEVELS}")
        answer = await self.run(self.door.store.save_answer, self.participant, module_id, exercise_id,
                                body.get("value"), share=share, passed=bool(body.get("passed", False)))
        self.reply(answer)


class ProgressHandler(_ParticipantAPI):
    async def get(self):
        self.reply(await self.run(self.door.store.progress, self.participant))


class SubmissionHandler(_ParticipantAPI):
    async def get(self, module_id: str):
        self.reply(await self.run(self.door.store.last_submission, self.participant, module_id))

    async def post(self, module_id: str):
        workshop = self.door.workshop
        result = await self.run(
            submit_module, self.door.store, self.participant, module_id, self.door.exercises(module_id),
            workshop.course_dir, workshop.exchange_root, blind=workshop.blind_review,
        )
        # The folder's name only: where the exchange is stays the service's business.
        self.reply({"module_id": result.module_id, "sent": result.sent,
                    "submitted_at": result.submitted_at, "folder": result.folder.name})


class FeedbackHandler(_ParticipantAPI):
    def _path(self, module_id: str):
        from coproduction_kit.nbgrader.course import feedback_path

        workshop = self.door.workshop
        return feedback_path(workshop, student_id(self.participant, workshop.blind_review), module_id)

    def get(self, module_id: str | None = None):
        if module_id is None:
            modules = load_curriculum(self.door.workshop.curriculum_dir).modules
            return self.reply([m for m in modules if self._path(m).is_file()])
        path = self._path(module_id)
        if not path.is_file():
            raise web.HTTPError(404)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(path.read_bytes())


class WithdrawHandler(_ParticipantAPI):
    async def post(self):
        from coproduction_kit.review.forget import withdraw

        self.reply(await self.run(withdraw, self.door.workshop, self.door.store, self.participant))


class AnonymousHandler(_ParticipantAPI):
    """An anonymous exercise: sent once, then kept with nothing that links it to the participant."""

    async def get(self, exercise_id: str):
        self.reply(await self.run(self.door.store.sent_anonymously, self.participant, exercise_id))

    async def post(self, module_id: str, exercise_id: str):
        body = self.body()
        await self.run(self.door.store.send_anonymously, self.participant, module_id, exercise_id,
                       body.get("value"), body.get("pair_key"))
        self.reply(True)


class FollowUpHandler(_ParticipantAPI):
    """Whether a facilitator has opened the follow-up (``workshop followup``): the same for everyone."""

    async def get(self):
        self.reply(await self.run(self.door.store.follow_up_open, self.door.workshop.workshop_id))


def make_app(door: Door, prefix: str = "/") -> web.Application:
    api = re.escape(url_path_join(prefix, "api"))
    routes = [
        (api + "/participant", ParticipantHandler),
        (api + "/limits", LimitsHandler),
        (api + "/answers", AnswersHandler),
        (api + f"/answers/{_MODULE}/{_EXERCISE}", AnswerHandler),
        (api + "/progress", ProgressHandler),
        (api + f"/submissions/{_MODULE}", SubmissionHandler),
        (api + "/feedback", FeedbackHandler),
        (api + f"/feedback/{_MODULE}", FeedbackHandler),
        (api + "/withdraw", WithdrawHandler),
        (api + f"/anonymous/{_EXERCISE}", AnonymousHandler),
        (api + f"/anonymous/{_MODULE}/{_EXERCISE}", AnonymousHandler),
        (api + "/follow-up", FollowUpHandler),
    ]
    return web.Application([(path, handler, {"door": door}) for path, handler in routes])


def main() -> None:
    """Run the service from JupyterHub's environment (``JUPYTERHUB_SERVICE_URL`` and friends)."""
    logging.basicConfig(level=logging.INFO, format="[workshop-service %(asctime)s] %(message)s")
    workshop = load_config()
    if not workshop.store_url.startswith("postgresql"):
        raise SystemExit("WORKSHOP_STORE_URL must name the cohort's PostgreSQL store (postgresql+psycopg://…).")
    bind = urlparse(os.environ.get("WORKSHOP_SERVICE_BIND_URL") or os.environ["JUPYTERHUB_SERVICE_URL"])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")
    os.umask(umask_for(workshop.data_dir))  # what it writes in the data folder: no other local user
    migrate(workshop.store_url)  # the store's tables, made or updated once here, never in a kernel
    store = Store.for_workshop(workshop)  # the workshop's limits: answer length, versions, saves
    store.refresh_pseudonym_keys()  # once per start, as `workshop serve` does
    server = httpserver.HTTPServer(make_app(Door(workshop, store), prefix), xheaders=True)
    server.listen(bind.port or 80, bind.hostname or "")
    log.info("Workshop %s: the door to its store and data listens on %s%s",
             workshop.workshop_id, bind.geturl().rstrip("/"), prefix)
    loop = ioloop.IOLoop.current()

    def stop(name: str) -> None:
        log.info("Stopping on %s", name)
        server.stop()
        loop.stop()

    # JupyterHub stops a service with SIGINT (then SIGTERM, then SIGKILL, seconds apart). A process
    # started as a background job of a script inherits SIGINT ignored, and Python leaves it so: the
    # service would keep the hub waiting. Both signals stop it, whatever it inherited.
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.asyncio_loop.add_signal_handler(sig, stop, sig.name)
    loop.start()
    store.close()


if __name__ == "__main__":
    main()
