"""The nbgrader course: ``workshop prepare`` before the workshop, ``collect`` and ``feedback`` after it."""

from __future__ import annotations

from coproduction_kit.cli.command import Command, checked_curriculum, say
from coproduction_kit.cli.store import ready_store


class PrepareApp(Command):
    """Make the nbgrader course and exchange from the curriculum."""

    def run(self, workshop) -> int:
        from coproduction_kit.nbgrader.course import prepare

        curriculum = checked_curriculum(workshop)
        say(f"Preparing the nbgrader course for workshop '{workshop.workshop_id}'...")
        modules = prepare(workshop, curriculum, say=say)
        ready_store(workshop)
        say(f"Prepared {len(modules)} module(s). Course: {workshop.course_dir}  Exchange: {workshop.exchange_root}")
        return 0


class CollectApp(Command):
    """Collect every submission into nbgrader, ready for formgrader."""

    def run(self, workshop) -> int:
        from coproduction_kit.nbgrader.course import collect

        curriculum = checked_curriculum(workshop)
        say(f"Collecting submissions for workshop '{workshop.workshop_id}' into nbgrader...")
        summary = collect(workshop, curriculum, say=say)
        total = sum(s.submissions for s in summary)
        say(
            f"Collected {total} submission(s) across {len(summary)} module(s) into {workshop.course_dir / 'autograded'}.\n"
            "Open formgrader (the review link printed by `workshop serve`) to read and comment on them."
        )
        return 0


class FeedbackApp(Command):
    """Generate and release the facilitators' feedback to participants."""

    def run(self, workshop) -> int:
        from coproduction_kit.nbgrader.course import release_feedback

        curriculum = checked_curriculum(workshop)
        say(f"Generating and releasing feedback for workshop '{workshop.workshop_id}'...")
        pages = release_feedback(workshop, curriculum, say=say)
        say(f"Released {pages} feedback page(s) to {workshop.course_dir / 'feedback'}. "
            "Each participant finds theirs on the start page, under their pseudonym.")
        return 0
