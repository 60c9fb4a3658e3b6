"""The curriculum's upkeep: ``workshop check``, ``guides``, ``plan``, and ``init`` for a new workshop folder."""

from __future__ import annotations

from pathlib import Path

from traitlets import Unicode

from coproduction_kit.cli.command import WORKSHOP_ALIASES, Command, CommandError, checked_curriculum, say


class CheckApp(Command):
    """Check the curriculum, notebooks and guides (schema, ids, minutes, references, links)."""

    writes_data = False

    def run(self, workshop) -> int:
        from coproduction_kit.authoring.check import check
        from coproduction_kit.core.curriculum import load_curriculum

        root = Path(workshop.content_dir)
        problems = check(root)
        for problem in problems:
            print(problem, flush=True)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the curriculum, notebooks or guides under {root}.")
        curriculum = load_curriculum(workshop.curriculum_dir)
        count = sum(len(m["exercises"]) for m in curriculum.modules.values())
        say(
            f"Curriculum OK: {len(curriculum.modules)} module(s) ready, {len(curriculum.planned)} planned, "
            f"{count} exercises; notebooks and guides checked under {root}."
        )
        return 0


class GuidesApp(Command):
    """Rewrite the timing tables in the facilitator guides from the curriculum data."""

    def run(self, workshop) -> int:
        from coproduction_kit.authoring.guides import write_guides

        changed = write_guides(Path(workshop.content_dir), checked_curriculum(workshop))
        say(f"Timing tables rewritten in {len(changed)} guide(s)"
            + (": " + ", ".join(p.name for p in changed) if changed else " (all were current)."))
        return 0


class PlanApp(Command):
    """Write the printable session plan (HTML)."""

    out = Unicode("", help="Where to write it (default: the data folder's exports/session-plan.html).").tag(config=True)
    aliases = {**WORKSHOP_ALIASES, "out": "PlanApp.out"}

    def run(self, workshop) -> int:
        from coproduction_kit.authoring.plan import session_plan

        curriculum = checked_curriculum(workshop)
        out = Path(self.out) if self.out else workshop.exports_dir / "session-plan.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(session_plan(Path(workshop.content_dir), curriculum), encoding="utf-8")
        say(f"Session plan written to {out} (open it in a browser and print).")
        return 0


class InitApp(Command):
    """Copy the kit's curriculum, modules, guides and views into a new folder to adapt (workshop
    init DIR). The folder may be new or empty."""

    uses_data = False  # content only, nothing private: no data folder, the usual umask

    def run(self, workshop) -> int:
        from coproduction_kit.authoring.init import InitError, init_folder

        if len(self.extra_args) != 1:
            raise CommandError("give the folder to make, e.g. `workshop init our-workshop`.")
        folder = self.extra_args[0]
        try:
            init_folder(Path(folder))
        except InitError as err:
            raise CommandError(str(err)) from None
        say(f"Made the workshop folder {folder}: curriculum, modules, facilitator guides and views, "
            "and a README. Change them to fit your programme, then run `workshop check`, "
            f"`workshop prepare` and `workshop serve` in {folder}.")
        return 0
