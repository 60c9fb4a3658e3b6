"""The programme's own figures (``core/programme.py``): one row per workshop, entered by facilitators.

Figures about the programme (sessions co-facilitated, service-user educators paid and how
promptly), not about participants: the row holds no pseudonym and no answer.  Entering them again
replaces the workshop's row; ``workshop forget`` removes it with the rest of the workshop.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from coproduction_kit.core.programme import ProgrammeFigures
from coproduction_kit.store.records import now
from coproduction_kit.store.schema import programme_figures


class Programme:
    """The programme figures' part of ``Store``."""

    def save_programme_figures(self, workshop_id: str, figures: ProgrammeFigures) -> None:
        """Keep ``figures`` (already checked) as the workshop's, in place of any entered before."""
        row = figures.entered()
        row["payment_days"] = json.dumps(row["payment_days"])
        with self._write() as conn:
            conn.execute(programme_figures.delete().where(programme_figures.c.workshop_id == workshop_id))
            conn.execute(programme_figures.insert().values(workshop_id=workshop_id, entered_at=now(), **row))

    def programme_figures(self, workshop_id: str) -> ProgrammeFigures | None:
        """The workshop's figures, or None when none were entered."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(programme_figures)
                               .where(programme_figures.c.workshop_id == workshop_id)).mappings().first()
        if row is None:
            return None
        return ProgrammeFigures(row["sessions_held"], row["sessions_cofacilitated"], row["educators_involved"],
                                row["educators_paid"], tuple(json.loads(row["payment_days"])), row["median_days"])
