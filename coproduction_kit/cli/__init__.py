"""The facilitators' command line.

``workshop serve`` runs a session; ``collect``, ``feedback``, ``export`` and ``report`` follow it;
``figures`` keeps the programme's own figures for the report; ``check``, ``guides``, ``plan`` and
``prepare`` look after the curriculum; ``init`` starts a workshop folder of your own, ``migrate``
updates the store after an upgrade; ``forget`` deletes;
``facilitators`` lists, adds or revokes the co-facilitators' links.

Every command ends by saying what it did and where the results are.  ``workshop --help`` lists
the commands, ``workshop COMMAND --help`` a command's options and ``--help-all`` every setting.
"""

from __future__ import annotations

import sys

from traitlets import TraitError

from coproduction_kit.core.lean_imports import leave_out_unused_grammars

leave_out_unused_grammars()  # before a command imports nbgrader or nbformat: core/lean_imports.py

from coproduction_kit.cli.command import Command, fail  # noqa: E402

# name -> (the command's class, loaded only when it runs; its line in `workshop --help`)
SUBCOMMANDS = {
    "serve": ("coproduction_kit.cli.serve.ServeApp",
              "Start the workshop: participants' pages and facilitators' workbench."),
    "prepare": ("coproduction_kit.cli.course.PrepareApp", "Make the nbgrader course and exchange from the curriculum."),
    "collect": ("coproduction_kit.cli.course.CollectApp", "Collect every submission into nbgrader, ready for formgrader."),
    "feedback": ("coproduction_kit.cli.course.FeedbackApp",
                 "Generate and release the facilitators' feedback to participants."),
    "export": ("coproduction_kit.cli.review.ExportApp", "Write the shared, submitted answers as a CSV file."),
    "report": ("coproduction_kit.cli.review.ReportApp",
               "Write the review report: CSV, XLSX and an HTML summary of shared reflections."),
    "figures": ("coproduction_kit.cli.figures.FiguresApp",
                "Enter or show the programme's own figures (sessions co-facilitated, educators paid) for the report."),
    "forget": ("coproduction_kit.cli.review.ForgetApp",
               "Delete all of this workshop's data (answers, course, exchange)."),
    "check": ("coproduction_kit.cli.authoring.CheckApp",
              "Check the curriculum, notebooks and guides (schema, ids, minutes, references, links)."),
    "guides": ("coproduction_kit.cli.authoring.GuidesApp",
               "Rewrite the timing tables in the facilitator guides from the curriculum data."),
    "plan": ("coproduction_kit.cli.authoring.PlanApp", "Write the printable session plan (HTML)."),
    "init": ("coproduction_kit.cli.authoring.InitApp",
             "Copy the kit's curriculum, modules, guides and views into a new folder to adapt (workshop init DIR)."),
    "facilitators": ("coproduction_kit.cli.facilitators.FacilitatorsApp",
                     "The co-facilitators' links: list, add NAME or revoke NAME (also while serve runs)."),
    "migrate": ("coproduction_kit.cli.store.MigrateApp",
                "Make or update the store's tables (serve and prepare do it too); keeps every answer."),
    "followup": ("coproduction_kit.cli.store.FollowupApp",
                 "Open the evaluation's follow-up months later (--close closes it); the report pairs it."),
}
_ABOUT = " ".join(__doc__.split("\n\n")[1].split())
# Options that take a value, so that `workshop --data-dir DIR COMMAND` finds COMMAND after DIR.
_VALUED = ("--data-dir", "--content-dir", "--timezone")


class WorkshopApp(Command):
    """The ``workshop`` command: one of the subcommands below."""

    description = _ABOUT
    subcommands = SUBCOMMANDS
    examples = "\n".join([
        'workshop serve --session 2',
        'workshop --data-dir spring-2027 report',
        'workshop serve --help',
    ])

    def start(self):
        if self.subapp is None:
            unknown = f"there is no command {self.extra_args[0]!r}" if self.extra_args else "say which command to run"
            self.exit_code = fail(f"{unknown}; `workshop --help` lists them (e.g. `workshop serve`).")
            return
        super().start()


def _command_first(argv: list[str]) -> list[str]:
    """``argv`` with the command's name first: options given before it belong to it too."""
    if argv[:1] == ["help"]:
        return [*argv[1:], "--help"]  # `workshop help serve` is `workshop serve --help`
    for i, arg in enumerate(argv):
        if arg in SUBCOMMANDS and (i == 0 or argv[i - 1] not in _VALUED):
            return [arg, *argv[:i], *argv[i + 1:]]
        if arg in ("-h", "--help", "--help-all"):
            break
    return argv


def main(argv: list[str] | None = None) -> int:
    """Run ``workshop`` with ``argv`` (default: this process's); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    WorkshopApp.clear_instance()
    app = WorkshopApp()
    try:
        app.initialize(_command_first(argv))
        app.start()
    except TraitError as err:
        return fail(f"{err}")
    except SystemExit as stop:  # --help, or an option the command does not have (argparse says so)
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else fail(str(stop.code)))
    finally:
        # Applications are singletons: let the next main() in this process (tests do) make its own.
        for ran in (app.subapp, app):
            if ran is not None:
                type(ran).clear_instance()
    return app.exit_code


__all__ = ["main", "WorkshopApp", "Command"]
