"""``workshop serve``: the participants' Voilà and the facilitators' JupyterLab, side by side.

Both listen on loopback unless ``--lan``; then participants need the join token in their link,
and the facilitators' server still listens only on this machine.  Tokens live in the data folder,
so links survive a restart.  The servers' own messages go to ``<data>/logs/``.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from widgets.config import PROJECT_ROOT, WorkshopConfig

from . import TEMPLATE_ROOT

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


def todays_pages(curriculum, args) -> list[str]:
    """Today's module ids in order, from ``--today`` or ``--session`` (ValueError says what is wrong)."""
    if args.today and args.session is not None:
        raise ValueError("give either --today or --session, not both")
    if args.today:
        pages = [m.strip() for m in args.today.split(",") if m.strip()]
        unknown = [m for m in pages if m not in curriculum.modules]
        if unknown:
            raise ValueError(f"--today names {', '.join(unknown)}, which is not a module ready to serve; "
                             f"the modules are {', '.join(curriculum.modules)}")
        return pages
    if args.session is None:
        return []
    formats = {f["id"]: f for f in curriculum.series["formats"]}
    if args.format not in formats:
        raise ValueError(f"there is no format {args.format!r}; curriculum/series.yaml has {', '.join(formats)}")
    sessions = {s["number"]: s for s in formats[args.format]["sessions"]}
    if args.session not in sessions:
        raise ValueError(f"the {args.format} format has sessions {', '.join(map(str, sessions))}, not {args.session}")
    return [m for m in sessions[args.session]["modules"] if m in curriculum.modules]


def run(workshop: WorkshopConfig, curriculum, args, say, fail) -> int:
    """Prepare the course, start both servers, print the links, and wait for Ctrl+C."""
    from .course import prepare

    try:
        pages = todays_pages(curriculum, args)
    except ValueError as err:
        return fail(str(err))

    data = Path(workshop.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    say(f"Preparing workshop '{workshop.workshop_id}' (data folder: {data})...")
    prepare(workshop, curriculum, say=say)

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
    say("Starting the participants' server (Voilà) and the facilitators' workbench (JupyterLab)...")
    say(f"  (their messages go to {logs})")
    participants_log = open(logs / "participants.log", "a")
    facilitators_log = open(logs / "facilitators.log", "a")
    if args.room and pages:
        say(f"Making today's first page ({pages[0]}) ready for {args.room} people; later pages follow the room.")
    elif args.room:
        say("Tip: `--session NUMBER` or `--today MODULES` makes today's pages ready for the whole room at once.")
    participants = subprocess.Popen(
        [sys.executable, "-m", "workshop.server", "--ip", participant_ip,
         "--port", str(participant_port), "--data-dir", str(data),
         "--room", str(max(args.room, 0)), "--pages", ",".join(pages)],
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
            say(f"--- last lines of {log} ---\n" + "\n".join(tail))
        return fail(f"the workshop servers did not start; their messages are in {logs}.")

    hosts = lan_addresses() if args.lan else ["127.0.0.1"]
    if not hosts:
        say("No network address found: is this laptop connected to the room's network? Using 127.0.0.1.")
        hosts = ["127.0.0.1"]
    participant_link = f"http://{hosts[0]}:{participant_port}/" + (f"?token={join_token}" if join_token else "")
    say("")
    say(f"Workshop '{workshop.workshop_id}' is running. Share the participant link; keep the facilitator link private.")
    say("Participant link:")
    say(participant_link)
    for other in hosts[1:]:
        say(f"  (also reachable as http://{other}:{participant_port}/ on another network)")
    (data / "participant-link.txt").write_text(participant_link + "\n", encoding="utf-8")
    say("Facilitator link (JupyterLab; formgrader is under Nbgrader > Formgrader):")
    say(f"{lab}lab?token={facilitator_token}")
    views = (PROJECT_ROOT / "facilitator_views").relative_to(lab_root)
    for name, label in [("room", "Room view (with controls)"), ("projector", "Projector (revealed answers only)"),
                        ("session", "Session plan and timers"), ("join_card", "Join card (QR code)")]:
        say(f"{label}:")
        say(f"{lab}voila/render/{views}/{name}.ipynb?token={facilitator_token}")
    say(f"Answers are saved in {workshop.store_url.removeprefix('sqlite:///')}. Press Ctrl+C to stop.")
    try:
        while all(child.poll() is None for child in children):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    say("Workshop stopped. Every saved answer is kept; `make serve` again to continue.")
    return 0
