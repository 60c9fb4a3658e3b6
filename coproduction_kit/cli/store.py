"""``workshop migrate``: make or update the answer store's tables (``serve`` and ``prepare`` do it too)."""

from __future__ import annotations

from coproduction_kit.cli.command import Command, say


def ready_store(workshop) -> str:
    """The store's tables made if missing and brought up to date (Alembic); every answer kept."""
    from coproduction_kit.store import migrate

    revision = migrate(workshop.store_url)
    say(f"The workshop's store is ready (schema {revision}).")
    return revision


class MigrateApp(Command):
    """Make or update the store's tables (serve and prepare do it too); keeps every answer."""

    def run(self, workshop) -> int:
        ready_store(workshop)
        return 0
