"""The facilitators' command line.

``workshop serve`` runs a session; ``collect``, ``feedback``, ``export`` and ``report`` follow it;
``check``, ``guides``, ``plan`` and ``prepare`` look after the curriculum; ``forget`` deletes.

Every command ends by saying what it did and where the results are.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from widgets.config import PROJECT_ROOT, WorkshopConfig, load_config
from widgets.curriculum import CurriculumError, load_curriculum, validate

from . import TEMPLATE_ROOT


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
    from .check import check

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
    from .guides import write_guides

    curriculum = _checked_curriculum(workshop)
    root = Path(workshop.curriculum_dir).resolve().parent
    changed = write_guides(root, curriculum)
    _say(f"Timing tables rewritten in {len(changed)} guide(s)" + (": " + ", ".join(p.name for p in changed) if changed else " (all were current)."))
    return 0


def cmd_plan(workshop: WorkshopConfig, args) -> int:
    from .plan import session_plan

    curriculum = _checked_curriculum(workshop)
    root = Path(workshop.curriculum_dir).resolve().parent
    out = Path(args.out) if args.out else workshop.exports_dir / "session-plan.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(session_plan(root, curriculum), encoding="utf-8")
    _say(f"Session plan written to {out} (open it in a browser and print).")
    return 0


def cmd_prepare(workshop: WorkshopConfig, args) -> int:
    from .course import prepare

    curriculum = _checked_curriculum(workshop)
    _say(f"Preparing the nbgrader course for workshop '{workshop.workshop_id}'...")
    modules = prepare(workshop, curriculum, say=_say)
    _say(f"Prepared {len(modules)} module(s). Course: {workshop.course_dir}  Exchange: {workshop.exchange_root}")
    return 0


def cmd_collect(workshop: WorkshopConfig, args) -> int:
    from .course import collect

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
    from .course import release_feedback

    curriculum = _checked_curriculum(workshop)
    _say(f"Generating and releasing feedback for workshop '{workshop.workshop_id}'...")
    pages = release_feedback(workshop, curriculum, say=_say)
    _say(f"Released {pages} feedback page(s) to {workshop.course_dir / 'feedback'}. "
         "Each participant finds theirs on the start page, under their pseudonym.")
    return 0


def cmd_forget(workshop: WorkshopConfig, args) -> int:
    from widgets.store import Store

    from .forget import forget_workshop

    if args.yes != workshop.workshop_id:
        return _fail(
            f"this deletes every answer of workshop '{workshop.workshop_id}'. To confirm, run "
            f"`workshop forget --yes {workshop.workshop_id}`."
        )
    removed = forget_workshop(workshop, Store(workshop.store_url))
    _say(f"Deleted workshop '{workshop.workshop_id}': {removed['participants']} participant(s), "
         f"{removed['answers']} answer(s), its nbgrader course and exchange.")
    return 0


def cmd_report(workshop: WorkshopConfig, args) -> int:
    from widgets.report import build_report
    from widgets.store import Store

    curriculum = load_curriculum(workshop.curriculum_dir)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    out = Path(args.out) if args.out else workshop.exports_dir / f"report-{workshop.workshop_id}-{stamp}"
    paths = build_report(Store(workshop.store_url), workshop.workshop_id, curriculum, out, say=_say)
    _say(f"Report written to {out}: " + ", ".join(p.name for p in paths.values())
         + f". Open {paths['html']} in a browser; it needs no network.")
    return 0


def cmd_export(workshop: WorkshopConfig, args) -> int:
    from widgets.export import load, write_csv
    from widgets.store import Store

    curriculum = load_curriculum(workshop.curriculum_dir)
    store = Store(workshop.store_url)
    frame = load(store, workshop.workshop_id, curriculum)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    out = Path(args.out) if args.out else workshop.exports_dir / f"shared-reflections-{workshop.workshop_id}-{stamp}.csv"
    write_csv(frame, out)
    _say(
        f"Exported {len(frame)} shared answer(s) from {frame['pseudonym'].nunique()} participant(s) to {out}"
    )
    return 0


# serve --------------------------------------------------------------------------------------
def _free_port(ip: str, preferred: int) -> int:
    for port in [preferred, *range(preferred + 2, preferred + 40)]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((ip, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port near {preferred}")


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on the networks it is connected to (not loopback)."""
    import psutil

    up = {name for name, stats in psutil.net_if_stats().items() if stats.isup}
    return [
        address.address
        for name, addresses in psutil.net_if_addrs().items() if name in up
        for address in addresses
        if address.family == socket.AF_INET and not address.address.startswith("127.")
    ]


def _secret(path: Path, short: bool = False) -> str:
    """A token kept in the data folder, so links stay valid across restarts."""
    if path.exists():
        return path.read_text().strip()
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes such as 1, l, 0, o
    token = "".join(secrets.choice(alphabet) for _ in range(10)) if short else secrets.token_urlsafe(24)
    path.write_text(token)
    path.chmod(0o600)
    return token


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return True
        except Exception:
            time.sleep(0.3)
    return False


def cmd_serve(workshop: WorkshopConfig, args) -> int:
    from .course import prepare

    curriculum = _checked_curriculum(workshop)
    data = Path(workshop.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    _say(f"Preparing workshop '{workshop.workshop_id}' (data folder: {data})...")
    prepare(workshop, curriculum, say=_say)

    participant_ip = "0.0.0.0" if args.lan else "127.0.0.1"
    # Short enough to type from the projector; it only keeps strangers on the network out.
    join_token = _secret(data / "join-token", short=True) if args.lan else None
    facilitator_token = _secret(data / "facilitator-token")
    participant_port = _free_port(participant_ip, args.port)
    facilitator_port = _free_port("127.0.0.1", args.facilitator_port)

    env = dict(os.environ, WORKSHOP_DATA_DIR=str(data))
    env["JUPYTER_PATH"] = os.pathsep.join([str(TEMPLATE_ROOT), env.get("JUPYTER_PATH", "")]).rstrip(os.pathsep)
    if join_token:
        env["WORKSHOP_JOIN_TOKEN"] = join_token
    logs = data / "logs"
    logs.mkdir(exist_ok=True)
    _say("Starting the participants' server (Voilà) and the facilitators' workbench (JupyterLab)...")
    _say(f"  (their messages go to {logs})")
    participants_log = open(logs / "participants.log", "a")
    facilitators_log = open(logs / "facilitators.log", "a")
    participants = subprocess.Popen(
        [sys.executable, "-m", "workshop.server", "--ip", participant_ip,
         "--port", str(participant_port), "--data-dir", str(data)],
        env=env, stdout=participants_log, stderr=subprocess.STDOUT,
    )
    # The facilitator views live in the project, formgrader's course in the data folder:
    # JupyterLab's root must hold both.
    lab_root = Path(os.path.commonpath([PROJECT_ROOT, data.resolve()]))
    # Voilà's front end loads MathJax from a CDN unless both settings are None, as the standalone
    # Voilà serving participants has them; the server extension defaults them: say None here too.
    lab_config = data / "facilitators_config.py"
    lab_config.write_text(
        "# Written by `workshop serve`.\nc = get_config()  # noqa\n"
        "c.ServerApp.tornado_settings = {'mathjax_url': None, 'mathjax_config': None}\n", encoding="utf-8")
    facilitators = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={facilitator_port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={facilitator_token}", f"--ServerApp.root_dir={lab_root}",
         "--VoilaConfiguration.template=workshop", "--VoilaConfiguration.show_tracebacks=True",
         f"--config={lab_config}",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, cwd=workshop.course_dir, stdout=facilitators_log, stderr=subprocess.STDOUT,
    )
    children = [participants, facilitators]

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    local = f"http://127.0.0.1:{participant_port}/"
    lab = f"http://127.0.0.1:{facilitator_port}/"
    if not _wait_until_up(local + ("?token=" + join_token if join_token else ""), participants) or not _wait_until_up(
        f"{lab}api/status?token={facilitator_token}", facilitators
    ):
        stop()
        for log in (logs / "participants.log", logs / "facilitators.log"):
            tail = log.read_text(errors="replace").splitlines()[-15:]
            _say(f"--- last lines of {log} ---\n" + "\n".join(tail))
        return _fail(f"the workshop servers did not start; their messages are in {logs}.")

    hosts = lan_addresses() if args.lan else ["127.0.0.1"]
    if not hosts:
        _say("No network address found: is this laptop connected to the room's network? Using 127.0.0.1.")
        hosts = ["127.0.0.1"]
    participant_link = f"http://{hosts[0]}:{participant_port}/" + (f"?token={join_token}" if join_token else "")
    _say("")
    _say(f"Workshop '{workshop.workshop_id}' is running. Share the participant link; keep the facilitator link private.")
    _say("Participant link:")
    _say(participant_link)
    for other in hosts[1:]:
        _say(f"  (also reachable as http://{other}:{participant_port}/ on another network)")
    (data / "participant-link.txt").write_text(participant_link + "\n", encoding="utf-8")
    _say("Facilitator link (JupyterLab; formgrader is under Nbgrader > Formgrader):")
    _say(f"{lab}lab?token={facilitator_token}")
    views = (PROJECT_ROOT / "facilitator_views").relative_to(lab_root)
    for name, label in [("room", "Room view (with controls)"), ("projector", "Projector (revealed answers only)"),
                        ("session", "Session plan and timers"), ("join_card", "Join card (QR code)")]:
        _say(f"{label}:")
        _say(f"{lab}voila/render/{views}/{name}.ipynb?token={facilitator_token}")
    _say(f"Answers are saved in {workshop.store_url.removeprefix('sqlite:///')}. Press Ctrl+C to stop.")
    try:
        while all(child.poll() is None for child in children):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    _say("Workshop stopped. Every saved answer is kept; `make serve` again to continue.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="workshop", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="The workshop's data folder (default: ./workshop-data).")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="Start the workshop: participants' pages and facilitators' workbench.")
    serve.add_argument("--lan", action="store_true",
                       help="Let participants join from the local network (their link then carries a token).")
    serve.add_argument("--port", type=int, default=8866, help="Participants' port (default 8866).")
    serve.add_argument("--facilitator-port", type=int, default=8867, help="Facilitators' port (default 8867).")
    sub.add_parser("prepare", help="Make the nbgrader course and exchange from the curriculum.")
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
    args = parser.parse_args(argv)
    # nbgrader runs `alembic` and jupyter its kernels by name: find this environment's first.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    workshop = load_config(args.data_dir)
    commands = {
        "serve": cmd_serve, "prepare": cmd_prepare, "collect": cmd_collect, "feedback": cmd_feedback,
        "export": cmd_export, "report": cmd_report, "forget": cmd_forget, "check": cmd_check, "guides": cmd_guides, "plan": cmd_plan,
    }
    try:
        return commands[args.command](workshop, args)
    except CurriculumError as err:
        return _fail(str(err))


if __name__ == "__main__":
    sys.exit(main())
