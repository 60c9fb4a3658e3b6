"""Participants: a pseudonym registered once per workshop, found again by its secret link.

Only a hash of each participant's secret is kept, so a copied store opens no one's page.
Behind JupyterHub a participant is their hub user, registered on their first visit.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from coproduction_kit.core.identity import PSEUDONYM_MAX, hub_pseudonym, pseudonym_key, validate_pseudonym
from coproduction_kit.store.errors import PseudonymTaken, StoreError
from coproduction_kit.store.records import Participant, hash_token, new_review_id, now, participant_of
from coproduction_kit.store.schema import participants


class People:
    """The participants' part of ``Store``."""

    def add_participant(
        self, workshop_id: str, pseudonym: str, hub_user: str | None = None
    ) -> tuple[Participant, str]:
        """Register a pseudonym; returns the participant and their secret token (shown once)."""
        pseudonym = validate_pseudonym(pseudonym)
        token = secrets.token_urlsafe(24)
        review_id = new_review_id()
        try:
            with self._write() as conn:
                result = conn.execute(
                    participants.insert().values(
                        workshop_id=workshop_id,
                        pseudonym=pseudonym,
                        pseudonym_key=pseudonym_key(pseudonym),
                        token_hash=hash_token(token),
                        review_id=review_id,
                        created_at=now(),
                        hub_user=hub_user,
                    )
                )
                participant_id = result.inserted_primary_key[0]
        except sa.exc.IntegrityError:
            raise PseudonymTaken(
                f"The pseudonym {pseudonym!r} is already in use in this workshop. "
                "Choose another, or open your own personal link to continue as that pseudonym."
            ) from None
        return Participant(participant_id, workshop_id, pseudonym, review_id), token

    def _find_participant(self, workshop_id: str, column: str, value: str) -> Participant | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(participants).where(
                participants.c.workshop_id == workshop_id, participants.c[column] == value
            )).first()
        return participant_of(row) if row else None

    def participant_by_token(self, workshop_id: str, token: str | None) -> Participant | None:
        if not token:
            return None
        return self._find_participant(workshop_id, "token_hash", hash_token(token))

    def hub_participant(self, workshop_id: str, hub_user: str) -> Participant:
        """The participant who is this JupyterHub user, registered on their first visit.

        Their pseudonym is made from the username (``identity.hub_pseudonym``); if another
        participant already has it, a number is added (``sam-2``).  Two kernels of the same user
        starting at once end with the same participant.
        """
        if not hub_user:
            raise StoreError("A hub participant needs a hub username.")
        base = hub_pseudonym(hub_user)
        for attempt in range(1, 100):
            found = self._find_participant(workshop_id, "hub_user", hub_user)
            if found:
                return found
            suffix = "" if attempt == 1 else f"-{attempt}"
            try:
                return self.add_participant(
                    workshop_id, base[: PSEUDONYM_MAX - len(suffix)] + suffix, hub_user=hub_user
                )[0]
            except PseudonymTaken:  # the pseudonym is someone else's, or this user's other kernel won
                continue
        raise StoreError(f"No free pseudonym for the hub user {hub_user!r} after 99 tries.")

    def participant_by_review_id(self, workshop_id: str, review_id: str) -> Participant | None:
        return self._find_participant(workshop_id, "review_id", review_id)

    def participant_by_pseudonym(self, workshop_id: str, pseudonym: str) -> Participant | None:
        return self._find_participant(workshop_id, "pseudonym_key", pseudonym_key(pseudonym))

    def refresh_pseudonym_keys(self) -> int:
        """Bring each participant's ``pseudonym_key`` up to today's rule (look-alikes are one name).

        Run once when a workshop is served, not in every kernel.  Two participants whose names an
        earlier rule let both in keep their own keys; returns how many keys changed.
        """
        changed = 0
        with self._write() as conn:
            rows = conn.execute(sa.select(participants.c.id, participants.c.workshop_id,
                                          participants.c.pseudonym, participants.c.pseudonym_key)).all()
            taken = {(r.workshop_id, r.pseudonym_key) for r in rows}
            for row in rows:
                key = pseudonym_key(row.pseudonym)
                if key == row.pseudonym_key or (row.workshop_id, key) in taken:
                    continue
                conn.execute(participants.update().where(participants.c.id == row.id).values(pseudonym_key=key))
                taken.discard((row.workshop_id, row.pseudonym_key))
                taken.add((row.workshop_id, key))
                changed += 1
        return changed
