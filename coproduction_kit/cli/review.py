"""After a session: ``workshop export`` and ``report`` for the facilitators, ``forget`` to delete it all."""

from __future__ import annotations

from pathlib import Path

from traitlets import Unicode

from coproduction_kit.cli.command import WORKSHOP_ALIASES, Command, CommandError, say
from coproduction_kit.core import clock


def _stamp(workshop) -> str:
    """The file name's date and time, on the room's clock (e.g. 20270101-0900)."""
    return clock.now(workshop).strftime("%Y%m%d-%H%M")


class ExportApp(Command):
    """Write the shared, submitted answers as a CSV file."""

    out = Unicode("", help="Where to write the CSV (default: the data folder's exports/).").tag(config=True)
    aliases = {**WORKSHOP_ALIASES, "out": "ExportApp.out"}

    def run(self, workshop) -> int:
        from coproduction_kit.core.curriculum import load_curriculum
        from coproduction_kit.review.export import load, write_csv
        from coproduction_kit.store import Store

        curriculum = load_curriculum(workshop.curriculum_dir)
        store = Store(workshop.store_url)
        frame = load(store, workshop.workshop_id, curriculum)
        default = workshop.exports_dir / f"shared-reflections-{workshop.workshop_id}-{_stamp(workshop)}.csv"
        out = Path(self.out) if self.out else default
        write_csv(frame, out)
        store.remember_export(workshop.workshop_id, out, "export")  # so a withdrawal rewrites it
        say(f"Exported {len(frame)} shared answer(s) from {frame['pseudonym'].nunique()} participant(s) to {out}")
        return 0


class ReportApp(Command):
    """Write the review report: CSV, XLSX and an HTML summary of shared reflections."""

    out = Unicode("", help="Folder to write it in (default: the data folder's exports/).").tag(config=True)
    aliases = {**WORKSHOP_ALIASES, "out": "ReportApp.out"}

    def run(self, workshop) -> int:
        from coproduction_kit.core.curriculum import load_curriculum
        from coproduction_kit.review.report import build_report
        from coproduction_kit.store import Store

        curriculum = load_curriculum(workshop.curriculum_dir)
        out = Path(self.out) if self.out else workshop.exports_dir / f"report-{workshop.workshop_id}-{_stamp(workshop)}"
        store = Store(workshop.store_url)
        from coproduction_kit.core import clock

        paths = build_report(store, workshop.workshop_id, curriculum, out, say=say, k=workshop.room_min_answers,
                             made=clock.now(workshop))
        store.remember_export(workshop.workshop_id, out, "report")  # so a withdrawal rebuilds it
        say(f"Report written to {out}: " + ", ".join(p.name for p in paths.values())
            + f". Open {paths['html']} in a browser; it needs no network.")
        return 0


class ForgetApp(Command):
    """Delete all of this workshop's data (answers, course, exchange)."""

    yes = Unicode("", help="Confirm by giving the workshop id.").tag(config=True)
    aliases = {**WORKSHOP_ALIASES, "yes": ("ForgetApp.yes", "Confirm by giving the workshop id.")}

    def run(self, workshop) -> int:
        from coproduction_kit.review.forget import forget_workshop
        from coproduction_kit.store import Store

        if self.yes != workshop.workshop_id:
            raise CommandError(
                f"this deletes every answer of workshop '{workshop.workshop_id}'. To confirm, run "
                f"`workshop forget --yes {workshop.workshop_id}`."
            )
        removed = forget_workshop(workshop, Store(workshop.store_url))
        exports = removed["exports"]
        say(f"Deleted workshop '{workshop.workshop_id}': {removed['participants']} participant(s), "
            f"{removed['answers']} answer(s), its nbgrader course and exchange, and {len(exports)} export(s) "
            "or report(s)" + (":\n  " + "\n  ".join(exports) if exports else "."))
        if removed["cofacilitator links"]:
            say("Deleted the co-facilitators' links (their names and links): their phones are refused from now on.")
        say("Copies taken off this machine (downloaded exports, reports or notebooks) must be deleted by hand.")
        return 0
