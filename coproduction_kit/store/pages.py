"""Which kernel serves which participant's open page.

The server shuts down the kernels of pages a participant has left (``coproduction_kit/server/app.py``)
instead of holding them until culled.
"""

from __future__ import annotations

import sqlalchemy as sa

from coproduction_kit.store.records import Participant, now, utc
from coproduction_kit.store.schema import page_kernels


class Pages:
    """The pages' part of ``Store``."""

    def open_page(self, participant: Participant, kernel_id: str) -> None:
        """Note that ``kernel_id`` now serves a page opened by ``participant``."""
        with self._write() as conn:
            conn.execute(page_kernels.delete().where(page_kernels.c.kernel_id == kernel_id))
            conn.execute(page_kernels.insert().values(
                kernel_id=kernel_id, workshop_id=participant.workshop_id,
                participant_id=participant.id, opened_at=now()))

    def pages_left(self, workshop_id: str, grace: float = 30.0, among: set[str] | None = None) -> list[str]:
        """Kernels of pages whose participant has since opened another page (only those ``among``).

        A page opened less than ``grace`` seconds ago is never listed: it may still be loading.
        """
        newest = (sa.select(page_kernels.c.participant_id, sa.func.max(page_kernels.c.opened_at).label("newest"))
                  .where(page_kernels.c.workshop_id == workshop_id)
                  .group_by(page_kernels.c.participant_id).subquery())
        query = (sa.select(page_kernels.c.kernel_id, page_kernels.c.opened_at)
                 .join(newest, newest.c.participant_id == page_kernels.c.participant_id)
                 .where(page_kernels.c.workshop_id == workshop_id, page_kernels.c.opened_at < newest.c.newest))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        moment = now()
        return [kernel_id for kernel_id, opened in rows
                if (moment - utc(opened)).total_seconds() >= grace and (among is None or kernel_id in among)]

    def page_kernel_ids(self, workshop_id: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(page_kernels.c.kernel_id)
                                     .where(page_kernels.c.workshop_id == workshop_id)).scalars())

    def close_pages(self, kernel_ids: list[str]) -> None:
        if kernel_ids:
            with self._write() as conn:
                conn.execute(page_kernels.delete().where(page_kernels.c.kernel_id.in_(kernel_ids)))
