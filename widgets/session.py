"""Who is answering, and where their answers go, for this kernel.

Three situations, each told plainly on the page:

- ``participant``: a Voilà page opened by a participant who chose a pseudonym; answers are
  saved to the workshop store.
- ``unidentified``: a Voilà page opened without a participant (a link opened on another
  device, or after the cookie was cleared); exercises are shown but locked, with a link to
  the start page, so no one types into a page that cannot keep their words.
- ``preview``: the notebook run in JupyterLab or by the tests; answers go to an in-memory
  store and vanish with the kernel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import WorkshopConfig, load_config
from .identity import request_token, served_by_voila
from .store import Participant, Store

PARTICIPANT, UNIDENTIFIED, PREVIEW = "participant", "unidentified", "preview"


@dataclass
class Session:
    mode: str
    config: WorkshopConfig
    store: Store
    participant: Participant | None
    # The exercises shown on this page, so that Submit can save what is still pending.
    exercises: list = field(default_factory=list)

    @property
    def can_save(self) -> bool:
        return self.participant is not None


_current: Session | None = None


def open_session() -> Session:
    config = load_config()
    if not served_by_voila():
        store = Store.in_memory(max_answer_chars=config.max_answer_chars)
        participant, _ = store.add_participant(config.workshop_id, "preview")
        return Session(PREVIEW, config, store, participant)
    store = Store(config.store_url, max_answer_chars=config.max_answer_chars)
    if config.identity == "hub":
        participant = _hub_participant(config, store)
    else:
        participant = store.participant_by_token(config.workshop_id, request_token())
    return Session(PARTICIPANT if participant else UNIDENTIFIED, config, store, participant)


def _hub_participant(config: WorkshopConfig, store: Store) -> Participant | None:
    """Behind JupyterHub: the hub user owning this server (and so this kernel) is the participant."""
    from .identity import hub_user

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
