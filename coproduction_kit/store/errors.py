"""What the store refuses, in words a participant or facilitator can act on."""

from __future__ import annotations


class StoreError(Exception):
    """Something the participant or facilitator should be told in plain words."""


class PseudonymTaken(StoreError):
    pass


class AnswerTooLong(StoreError):
    pass


class PromptLocked(StoreError):
    pass


class SavingTooFast(StoreError):
    """Too many saves in a minute: ``retry_after`` says in how many seconds the next one is taken."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


class StoreNotReady(StoreError):
    """The store's tables are missing or older than this kit: a facilitator runs ``workshop migrate``.

    A participant's page never makes or changes tables itself (``coproduction_kit.store.migrate``).
    """
