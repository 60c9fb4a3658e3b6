"""The facilitators' command line.

``workshop serve`` runs a session; ``collect``, ``feedback``, ``export`` and ``report`` follow it;
``check``, ``guides``, ``plan`` and ``prepare`` look after the curriculum; ``forget`` deletes;
``init DIR`` copies the kit's content into a folder a programme adapts (run the others there).

Every command ends by saying what it did and where the results are.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from coproduction_kit.core.settings import WorkshopConfig, load_config
from coproduction_kit.core.curriculum import CurriculumError, load_curriculum, validate
from coproduction_kit.core.private_files import make_private, private_folder, umask_for


def _say(message: str = "") -> None:
    print(message, flush=True)


def _fail(message: str) -> int:
    print(f"workshop: {message}", file=sys.stderr, flush=True)
    return 1


def _checked_curriculum(workshop: WorkshopConfig):
    curriculum = load_curriculum(workshop.curriculum_dir)
    problems = validate(curriculum)
    if problems:
        raise CurriculumError("the curriculum has problems:\n  " + "\n  ".join(problems))
    return curriculum


def cmd_check(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.authoring.check import check

    root = Path(workshop.curriculum_dir).resolve().parent
    problems = check(root)
    for problem in problems:
        print(problem, flush=True)
    if problems:
        return _fail(f"{len(problems)} problem(s) in the curriculum, notebooks or guides under {root}.")
    curriculum = load_curriculum(workshop.curriculum_dir)
    count = sum(len(m["exercises"]) for m in curriculum.modules.values())
    _say(
        f"Curriculum OK: {len(curriculum.modules)} module(s) ready, {len(curriculum.planned)} planned, "
        f"{count} exercises; notebooks and guides checked under {root}."
    )
    return 0


def cmd_guides(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.authoring.guides import write_guides

    curriculum = _checked_curriculum(workshop)
    root = Path(workshop.curriculum_dir).resolve().parent
    changed = write_guides(root, curriculum)
    _say(f"Timing tables rewritten in {len(changed)} guide(s)" + (": " + ", ".join(p.name for p in changed) if changed else " (all were current)."))
    return 0


def cmd_plan(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.authoring.plan import session_plan

    curriculum = _checked_curriculum(workshop)
    root = Path(workshop.curriculum_dir).resolve().parent
    out = Path(args.out) if args.out else workshop.exports_dir / "session-plan.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(session_plan(root, curriculum), encoding="utf-8")
    _say(f"Session plan written to {out} (open it in a browser and print).")
    return 0


def cmd_prepare(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.nbgrader.course import prepare

    curriculum = _checked_curriculum(workshop)
    _say(f"Preparing the nbgrader course for workshop '{workshop.workshop_id}'...")
    modules = prepare(workshop, curriculum, say=_say)
    cmd_migrate(workshop, args)
    _say(f"Prepared {len(modules)} module(s). Course: {workshop.course_dir}  Exchange: {workshop.exchange_root}")
    return 0


def cmd_migrate(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.store import migrate

    revision = migrate(workshop.store_url)  # made if missing, brought up to date, every answer kept
    _say(f"The workshop's store is ready (schema {revision}).")
    return 0


def cmd_collect(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.nbgrader.course import collect

    curriculum = _checked_curriculum(workshop)
    _say(f"Collecting submissions for workshop '{workshop.workshop_id}' into nbgrader...")
    summary = collect(workshop, curriculum, say=_say)
    total = sum(s.submissions for s in summary)
    _say(
        f"Collected {total} submission(s) across {len(summary)} module(s) into {workshop.course_dir / 'autograded'}.\n"
        "Open formgrader (the review link printed by `workshop serve`) to read and comment on them."
    )
    return 0


def cmd_feedback(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.nbgrader.course import release_feedback

    curriculum = _checked_curriculum(workshop)
    _say(f"Generating and releasing feedback for workshop '{workshop.workshop_id}'...")
    pages = release_feedback(workshop, curriculum, say=_say)
    _say(f"Released {pages} feedback page(s) to {workshop.course_dir / 'feedback'}. "
         "Each participant finds theirs on the start page, under their pseudonym.")
    return 0


def cmd_forget(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.store import Store

    from coproduction_kit.review.forget import forget_workshop

    if args.yes != workshop.workshop_id:
        return _fail(
            f"this deletes every answer of workshop '{workshop.workshop_id}'. To confirm, run "
            f"`workshop forget --yes {workshop.workshop_id}`."
        )
    removed = forget_workshop(workshop, Store(workshop.store_url))
    exports = removed["exports"]
    _say(f"Deleted workshop '{workshop.workshop_id}': {removed['participants']} participant(s), "
         f"{removed['answers']} answer(s), its nbgrader course and exchange, and {len(exports)} export(s) "
         "or report(s)" + (":\n  " + "\n  ".join(exports) if exports else "."))
    _say("Copies taken off this machine (downloaded exports, reports or notebooks) must be deleted by hand.")
    return 0


def cmd_report(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.review.report import build_report
    from coproduction_kit.store import Store

    curriculum = load_curriculum(workshop.curriculum_dir)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    out = Path(args.out) if args.out else workshop.exports_dir / f"report-{workshop.workshop_id}-{stamp}"
    store = Store(workshop.store_url)
    paths = build_report(store, workshop.workshop_id, curriculum, out, say=_say, k=workshop.room_min_answers)
    store.remember_export(workshop.workshop_id, out, "report")  # so a withdrawal rebuilds it
    _say(f"Report written to {out}: " + ", ".join(p.name for p in paths.values())
         + f". Open {paths['html']} in a browser; it needs no network.")
    return 0


def cmd_export(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.review.export import load, write_csv
    from coproduction_kit.store import Store

    curriculum = load_curriculum(workshop.curriculum_dir)
    store = Store(workshop.store_url)
    frame = load(store, workshop.workshop_id, curriculum)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    out = Path(args.out) if args.out else workshop.exports_dir / f"shared-reflections-{workshop.workshop_id}-{stamp}.csv"
    write_csv(frame, out)
    store.remember_export(workshop.workshop_id, out, "export")  # so a withdrawal rewrites it
    _say(
        f"Exported {len(frame)} shared answer(s) from {frame['pseudonym'].nunique()} participant(s) to {out}"
    )
    return 0


def cmd_init(args) -> int:
    from coproduction_kit.authoring.init import InitError, init_folder

    try:
        init_folder(Path(args.dir))
    except InitError as err:
        return _fail(str(err))
    _say(f"Made the workshop folder {args.dir}: curriculum, modules, facilitator guides and views, "
         "and a README. Change them to fit your programme, then run `workshop check`, "
         f"`workshop prepare` and `workshop serve` in {args.dir}.")
    return 0


def cmd_serve(workshop: WorkshopConfig, args) -> int:
    from coproduction_kit.server.serve import run

    return run(workshop, _checked_curriculum(workshop), args, say=_say, fail=_fail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="workshop", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="The workshop's data folder (default: ./workshop-data).")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="Start the workshop: participants' pages and facilitators' workbench.")
    serve.add_argument("--lan", action="store_true",
                       help="Let participants join from the local network (their link then carries a token).")
    serve.add_argument("--tls", nargs="+", metavar="auto|CERT KEY",
                       help="Participants' pages over HTTPS: 'auto' makes a self-signed certificate "
                            "(its fingerprint is printed), or give a certificate and key (PEM files).")
    serve.add_argument("--port", type=int, default=8866, help="Participants' port (default 8866).")
    serve.add_argument("--facilitator-port", type=int, default=8867, help="Facilitators' port (default 8867).")
    serve.add_argument("--session", type=int, metavar="NUMBER",
                       help="Today's session in the series (e.g. 2): its pages are made ready for the room.")
    serve.add_argument("--format", default="series", metavar="ID",
                       help="The format --session refers to, from curriculum/series.yaml (default: series).")
    serve.add_argument("--today", metavar="MODULES",
                       help="Or name today's modules in order, comma-separated (e.g. power,payment).")
    serve.add_argument("--room", type=int, default=30,
                       help="How many people will open a page at once (default 30; 0 starts every page on demand).")
    sub.add_parser("prepare", help="Make the nbgrader course and exchange from the curriculum.")
    sub.add_parser("migrate", help="Make or update the store's tables (serve and prepare do it too); keeps every answer.")
    sub.add_parser("collect", help="Collect every submission into nbgrader, ready for formgrader.")
    sub.add_parser("feedback", help="Generate and release the facilitators' feedback to participants.")
    forget = sub.add_parser("forget", help="Delete all of this workshop's data (answers, course, exchange).")
    forget.add_argument("--yes", metavar="WORKSHOP_ID", help="Confirm by giving the workshop id.")
    export = sub.add_parser("export", help="Write the shared, submitted answers as a CSV file.")
    export.add_argument("--out", help="Where to write the CSV (default: the data folder's exports/).")
    report = sub.add_parser("report", help="Write the review report: CSV, XLSX and an HTML summary of shared reflections.")
    report.add_argument("--out", help="Folder to write it in (default: the data folder's exports/).")
    sub.add_parser("check", help="Check the curriculum, notebooks and guides (schema, ids, minutes, references, links).")
    sub.add_parser("guides", help="Rewrite the timing tables in the facilitator guides from the curriculum data.")
    plan = sub.add_parser("plan", help="Write the printable session plan (HTML).")
    plan.add_argument("--out", help="Where to write it (default: the data folder's exports/session-plan.html).")
    init = sub.add_parser("init", help="Copy the kit's curriculum, modules, guides and views into a new folder to adapt.")
    init.add_argument("dir", help="The folder to make (new, or empty).")
    args = parser.parse_args(argv)
    if args.command == "init":  # content only, nothing private: no data folder, the usual umask
        return cmd_init(args)
    # nbgrader runs `alembic` and jupyter its kernels by name: find this environment's first.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    workshop = load_config(args.data_dir)
    # Everything the kit writes holds participants' words: no other local user may read it.
    os.umask(umask_for(workshop.data_dir))
    if args.command != "check":
        # A folder made by an earlier version (0755, files 0644) is closed at the first command.
        private_folder(workshop.data_dir)
        make_private(workshop.data_dir)
    commands = {
        "serve": cmd_serve, "prepare": cmd_prepare, "migrate": cmd_migrate, "collect": cmd_collect, "feedback": cmd_feedback,
        "export": cmd_export, "report": cmd_report, "forget": cmd_forget, "check": cmd_check, "guides": cmd_guides, "plan": cmd_plan,
    }
    try:
        return commands[args.command](workshop, args)
    except CurriculumError as err:
        return _fail(str(err))


if __name__ == "__main__":
    sys.exit(main())
