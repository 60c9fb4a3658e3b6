"""What a Submit ends with, kept here so the store's client can name it without the nbgrader bridge.

``coproduction_kit.nbgrader.exchange`` places the submission and re-exports both names;
``coproduction_kit.store.client`` carries them over the hub service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coproduction_kit.store.records import Answer


class SubmitError(Exception):
    """The submission could not be placed; the message says what a facilitator should do."""


@dataclass(frozen=True)
class SubmitResult:
    module_id: str
    sent: list[Answer]
    submitted_at: datetime
    folder: Path
