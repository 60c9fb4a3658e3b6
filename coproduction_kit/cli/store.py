"""``workshop migrate``: make or update the answer store's tables (``serve`` and ``prepare`` do it too);
``workshop followup``: open or close the evaluation's follow-up."""

from __future__ import annotations

from traitlets import Bool

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


class FollowupApp(Command):
    """Open the follow-up, months after the sessions: the start page offers its page, and participants
    rate the evaluation's statements again with their pairing code. --close closes it."""

    close = Bool(False, help="Close the follow-up instead of opening it.").tag(config=True)
    flags = {"close": ({"FollowupApp": {"close": True}}, "Close the follow-up: it takes no more answers.")}

    def run(self, workshop) -> int:
        from coproduction_kit.core.curriculum import load_curriculum
        from coproduction_kit.store import Store

        if load_curriculum(workshop.curriculum_dir).evaluation is None:
            say("This curriculum has no curriculum/evaluation.yaml, so there is no follow-up to open.")
            return 1
        ready_store(workshop)
        store = Store(workshop.store_url)
        try:
            store.open_follow_up(workshop.workshop_id, not self.close)
        finally:
            store.close()
        if self.close:
            say(f"The follow-up of workshop {workshop.workshop_id} is closed: it takes no more answers. "
                "`workshop report` pairs what came in.")
        else:
            say(f"The follow-up of workshop {workshop.workshop_id} is open. Start the workshop (`workshop serve`) "
                "and share the participant link: the start page offers the follow-up, and participants "
                "answer with the pairing code they noted at the start. `workshop report` pairs the answers; "
                "`workshop followup --close` closes it.")
        return 0
