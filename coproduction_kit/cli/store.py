"""``workshop migrate``: bring the answer store's tables up to this version of the kit."""

from __future__ import annotations

from coproduction_kit.cli.command import Command, CommandError, say


class MigrateApp(Command):
    """Bring the answer store up to this version of the kit."""

    description = ("Bring the answer store's tables up to this version of the kit (run it after an "
                   "upgrade, with the servers stopped).")

    def run(self, workshop) -> int:
        # The store's own helper does the work; this command only finds the store and reports.
        try:
            from coproduction_kit.store import migrate
        except ImportError:
            raise CommandError("this version of the kit has no store migrations "
                               "(coproduction_kit.store.migrate is missing).") from None
        outcome = migrate(workshop.store_url)
        say(f"The answer store of workshop '{workshop.workshop_id}' is up to date"
            + (f": {outcome}." if outcome else "."))
        return 0
