"""Who is answering, and where their answers go, for this kernel.

Four situations, each told plainly on the page:

- ``participant``: a Voilà page opened by a participant who chose a pseudonym; answers are
  saved to the workshop store.
- ``unidentified``: a Voilà page opened without a participant (a link opened on another
  device, or after the cookie was cleared); exercises are shown but locked, with a link to
  the start page, so no one types into a page that cannot keep their words.
- ``waiting``: a preheated kernel (Voilà's pool) that ran the page before anyone asked for it.
  Everything is built and locked; when the request arrives, ``bind`` learns the participant
  from its cookie and every part of the page restores that participant's answers.  This is what
  lets a room of thirty open a page at once without thirty kernels starting at once.
- Behind JupyterHub, the hub user owning the server is the participant, and answers go through
  the workshop service (``store_client.py``): the participant's server holds no store login.
- ``preview``: the notebook run in JupyterLab or by the tests; answers go to an in-memory
  store and vanish with the kernel.
"""

from __future__ import annotations

import asyncio
import os
import threading
from dataclasses import dataclass, field
from typing import Callable

from coproduction_kit.core.settings import WorkshopConfig, load_config
from coproduction_kit.core.identity import preheated, request_token, served_by_voila
from coproduction_kit.store import Participant, Store

PARTICIPANT, UNIDENTIFIED, WAITING, PREVIEW = "participant", "unidentified", "waiting", "preview"


@dataclass
class Session:
    mode: str
    config: WorkshopConfig
    store: Store  # or, behind JupyterHub, a StoreClient with the same methods (store_client.py)
    participant: Participant | None
    # The exercises shown on this page, so that Submit can save what is still pending.
    exercises: list = field(default_factory=list)
    # What to redo once a waiting page learns who is answering (restore answers, unlock, ...).
    _on_bind: list[Callable[[], None]] = field(default_factory=list, repr=False)
    # Who wants to know of each exercise built after them (the progress line at the top).
    _on_exercise: list[Callable] = field(default_factory=list, repr=False)

    @property
    def can_save(self) -> bool:
        return self.participant is not None

    def when_bound(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when a waiting page learns its participant (at once if it knows)."""
        if self.mode == WAITING:
            self._on_bind.append(callback)

    def when_exercise(self, callback: Callable) -> None:
        """Call ``callback(exercise)`` for every exercise added to this page from now on."""
        self._on_exercise.append(callback)

    def add_exercise(self, exercise) -> None:
        self.exercises.append(exercise)
        for callback in self._on_exercise:
            callback(exercise)

    def bind(self, participant: Participant | None) -> None:
        """The request arrived: answer as ``participant`` (or stay locked without one)."""
        if self.mode != WAITING:
            return
        self.participant = participant
        self.mode = PARTICIPANT if participant else UNIDENTIFIED
        _note_page(self)
        callbacks, self._on_bind = self._on_bind, []
        for callback in callbacks:
            callback()


_current: Session | None = None


def open_session() -> Session:
    config = load_config()
    if not served_by_voila():
        store = Store.in_memory(max_answer_chars=config.max_answer_chars, max_revisions=config.max_revisions)
        participant, _ = store.add_participant(config.workshop_id, "preview")
        return Session(PREVIEW, config, store, participant)
    if config.identity == "hub":
        # Behind JupyterHub this server holds no store login: the workshop service is the door.
        from coproduction_kit.store.client import StoreClient

        store = StoreClient.from_environment()
        participant = _hub_participant(config, store)
        return Session(PARTICIPANT if participant else UNIDENTIFIED, config, store, participant)
    store = Store.for_workshop(config)
    if preheated():
        store.warm_saves()  # while the pool fills, not when the room types its first words
        session = Session(WAITING, config, store, None)
        _bind_on_request(session)
        return session
    participant = store.participant_by_token(config.workshop_id, request_token())
    if participant is not None:
        store.warm_saves(participant)
    session = Session(PARTICIPANT if participant else UNIDENTIFIED, config, store, participant)
    _note_page(session)
    return session


def _note_page(session: Session) -> None:
    """Tell the store which kernel serves this participant's page (see ``Store.open_page``)."""
    kernel_id = os.environ.get("VOILA_KERNEL_ID")  # Voilà sets it in every page's kernel
    if session.participant is None or not kernel_id:
        return
    try:
        session.store.open_page(session.participant, kernel_id)
    except Exception:  # only an optimisation: the page works without it
        pass


def _bind_on_request(session: Session) -> None:
    """Wait for the page request in a thread; bind on the kernel's own loop, between cells."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop to come back to: wait here, as a cold kernel would
        _bind(session, request_token())
        return

    def wait():
        try:
            token = request_token()  # blocks until Voilà hands this kernel to a request
        except Exception:  # no request info: the page cannot know who is answering
            token = None
        loop.call_soon_threadsafe(_bind, session, token)

    threading.Thread(target=wait, name="workshop-wait-for-request", daemon=True).start()


def _bind(session: Session, token: str | None) -> None:
    try:
        participant = session.store.participant_by_token(session.config.workshop_id, token)
    except Exception:  # the store is unreachable: lock the page with the way back, not "Opening…"
        participant = None
    session.bind(participant)
    warm = getattr(session.store, "warm_saves", None)  # a Store's; the hub's client has none
    if participant is not None and warm is not None:  # PostgreSQL's first save; SQLite's is ready
        warm(participant)


def _hub_participant(config: WorkshopConfig, store: Store) -> Participant | None:
    """Behind JupyterHub: the hub user owning this server (and so this kernel) is the participant."""
    from coproduction_kit.core.identity import hub_user

    user = hub_user()
    return store.hub_participant(config.workshop_id, user) if user else None


def current_session() -> Session:
    """The session of this kernel, opened on first use."""
    global _current
    if _current is None:
        _current = open_session()
    return _current


def use_session(session: Session | None) -> None:
    """Replace this kernel's session (tests build widgets against their own store)."""
    global _current
    _current = session
