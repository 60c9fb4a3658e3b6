"""``workshop serve``: the participants' Voilà and the facilitators' JupyterLab, side by side.

Both listen on loopback unless ``--lan``; then participants need the join token in their link,
and the facilitators' server still listens only on this machine.  With ``--lan`` and
``--cofacilitators 2`` (or names), a third server (``facilitator_app.py``) gives each co-facilitator
the facilitator views on the room's network behind a link of their own
(``core/cofacilitator_links.py``).  The join token is new at every
start (the join card's QR code carries it); the facilitator token is kept in the data folder, so
the facilitators' links survive a restart.  ``--tls CERT KEY`` or ``--tls auto`` (a self-signed
certificate made here, whose fingerprint is printed) makes the participants' server speak HTTPS.
Files holding a token or a key are readable by this user only (0600), and no secret is on a
command line (``ps`` shows those to everyone on the laptop).  The servers' own messages go to
``<data>/logs/``.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from coproduction_kit.core.settings import WorkshopConfig, handover_environment
from coproduction_kit.core.identity import trusting
from coproduction_kit.core.cofacilitator_links import HOME_FILE, link_for
from coproduction_kit.core.private_files import create_private_file, private_folder, write_private

from coproduction_kit.server import with_template
from coproduction_kit.server.join_door import fingerprint, self_signed_certificate

PLAIN_HTTP_WARNING = ("Warning: participants connect over plain HTTP. Anyone on the room's network can read "
                      "what they type. Use --tls auto (or --tls CERT KEY) to encrypt it.")

COFACILITATORS_PLAIN_HTTP = ("Warning: over plain HTTP, anyone on the room's network could copy a co-facilitator's "
                             "link or cookie and act as them. Use --tls auto to encrypt it.")


def facilitators_config_text(front: str, facilitator_token: str) -> str:
    """The facilitators' JupyterLab configuration `serve` writes (0600: it holds the token). Voilà's
    front end loads MathJax from a CDN unless both settings are None, as the standalone Voilà
    serving participants has them (the server extension defaults them: None here too); the views
    are drawn by the front end participants' pages have (server/light.py), Voilà's own with
    ``front="voila"``."""
    return ("# Written by `workshop serve`; it holds the facilitator token: keep it private.\n"
            "c = get_config()  # noqa\n"
            "c.ServerApp.tornado_settings = {'mathjax_url': None, 'mathjax_config': None}\n"
            "# The views are drawn by the front end participants' pages have (server/light.py).\n"
            "import functools\n"
            "from coproduction_kit.server.light import light_page\n"
            f"c.VoilaConfiguration.page_config_hook = functools.partial(light_page, front={front!r})\n"
            f"c.IdentityProvider.token = {facilitator_token!r}\n")


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


def _secret(path: Path) -> str:
    """The facilitator token, kept in the data folder (0600) so their links survive a restart."""
    if path.exists():
        path.chmod(0o600)  # a secret: never the shared group's, even in a group's folder
        return path.read_text().strip()
    token = secrets.token_urlsafe(32)
    write_private(path, token)
    return token


def new_join_token(data: Path) -> str:
    """A join token for this start only (256 random bits), kept in ``<data>/join-token`` (0600)."""
    token = secrets.token_urlsafe(32)
    write_private(data / "join-token", token)
    return token


def _tls_files(args, data: Path, hosts: list[str]) -> tuple[Path, Path] | None:
    """``--tls CERT KEY`` as given, ``--tls auto`` as a new self-signed pair; None without --tls."""
    if not args.tls:
        return None
    if args.tls == ["auto"]:
        return self_signed_certificate(data, hosts)
    if len(args.tls) != 2:
        raise ValueError("give --tls auto, or --tls CERT KEY (two PEM files)")
    cert, key = (Path(p).expanduser().resolve() for p in args.tls)
    for path in (cert, key):
        if not path.is_file():
            raise ValueError(f"--tls: there is no file {path}")
    return cert, key


def _cofacilitator_links(args, data: Path) -> dict[str, str]:
    """name -> secret of the co-facilitators' links to serve (``--cofacilitators``, and any made
    earlier with ``workshop facilitators add``); empty without ``--lan``."""
    from coproduction_kit.core.cofacilitator_links import CofacilitatorLinks, names_from_option

    names = names_from_option(args.cofacilitators)
    if names and not args.lan:
        raise ValueError("--cofacilitators needs --lan: co-facilitators' phones reach this laptop over "
                         "the room's network.")
    if not args.lan:
        return {}
    links = CofacilitatorLinks(data)
    links.ensure(names)
    return links.active()


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 90, context=None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status < 500:
                    return True
        except urllib.error.HTTPError as err:  # a page refused (the co-facilitators' home without a link): up
            if err.code < 500:
                return True
            time.sleep(0.3)
        except Exception:
            time.sleep(0.3)
    return False


def _ready_store(workshop: WorkshopConfig) -> None:
    """Once per start, not per kernel: the store's tables made or brought up to date (Alembic),
    and keys made by an earlier pseudonym rule follow today's."""
    from coproduction_kit.store import Store, migrate

    migrate(workshop.store_url)
    store = Store.for_workshop(workshop)
    try:
        store.refresh_pseudonym_keys()
    finally:
        store.close()


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
    from coproduction_kit.nbgrader.course import prepare

    try:
        pages = todays_pages(curriculum, args)
    except ValueError as err:
        return fail(str(err))

    data = Path(workshop.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    say(f"Preparing workshop '{workshop.workshop_id}' (data folder: {data})...")
    prepare(workshop, curriculum, say=say)
    _ready_store(workshop)

    participant_ip = "0.0.0.0" if args.lan else "127.0.0.1"
    hosts = lan_addresses() if args.lan else ["127.0.0.1"]
    try:
        tls = _tls_files(args, data, hosts)
    except ValueError as err:
        return fail(str(err))
    try:
        cofacilitators = _cofacilitator_links(args, data)
    except ValueError as err:
        return fail(str(err))
    # New at every start, too long to guess: the join card's QR code carries it, nobody types it.
    join_token = new_join_token(data) if args.lan else None
    if not args.lan:
        (data / "join-token").unlink(missing_ok=True)
    facilitator_token = _secret(data / "facilitator-token")
    participant_port = _free_port(participant_ip, args.port)
    facilitator_port = _free_port("127.0.0.1", args.facilitator_port)

    # Kernels start in the notebooks' folders: they are told where the workshop is, not left to find it.
    env = dict(os.environ, **handover_environment(workshop))
    env["JUPYTER_PATH"] = with_template(env.get("JUPYTER_PATH"))
    if join_token:
        env["WORKSHOP_JOIN_TOKEN"] = join_token
    logs = private_folder(data / "logs")
    say("Starting the participants' server (Voilà) and the facilitators' workbench (JupyterLab)...")
    say(f"  (their messages go to {logs})")
    # The logs may show links: readable by this user only.
    participants_log = open(create_private_file(logs / "participants.log"), "a")
    facilitators_log = open(create_private_file(logs / "facilitators.log"), "a")
    if args.room and pages:
        say(f"Making today's first page ({pages[0]}) ready for {args.room} people; later pages follow the room.")
    elif args.room:
        say("Pages are made ready as participants join on the start page, for as many as join, as far as "
            "this laptop's memory allows (the participants' log says how many). "
            "Tip: `--session NUMBER` or `--today MODULES` makes today's first page ready before anyone arrives.")
    participants = subprocess.Popen(
        [sys.executable, "-m", "coproduction_kit.server.app", "--ip", participant_ip,
         "--port", str(participant_port), "--data-dir", str(data),
         "--room", str(max(args.room, 0)), "--pages", ",".join(pages), "--front", args.front,
         *(["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])] if tls else [])],
        env=env, stdout=participants_log, stderr=subprocess.STDOUT,
    )
    # The facilitator views live in the content folder (the workshop folder, the checkout or the
    # installed kit), formgrader's course in the data folder: JupyterLab's root must hold both.
    views_dir = workshop.facilitator_views_dir.resolve()
    lab_root = Path(os.path.commonpath([views_dir.parent, data.resolve()]))
    # The facilitator token goes in this file (0600), never on the command line.
    lab_config = data / "facilitators_config.py"
    write_private(lab_config, facilitators_config_text(args.front, facilitator_token))
    facilitators = subprocess.Popen(
        [sys.executable, "-m", "coproduction_kit.server.lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={facilitator_port}", "--ServerApp.port_retries=0",
         f"--ServerApp.root_dir={lab_root}",
         "--VoilaConfiguration.template=workshop", "--VoilaConfiguration.show_tracebacks=True",
         f"--config={lab_config}",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, cwd=workshop.course_dir, stdout=facilitators_log, stderr=subprocess.STDOUT,
    )
    children = [participants, facilitators]
    cofacilitator_port = None
    if cofacilitators:
        cofacilitator_port = _free_port(participant_ip, args.cofacilitator_port)
        children.append(subprocess.Popen(
            [sys.executable, "-m", "coproduction_kit.server.facilitator_app", "--ip", participant_ip,
             "--port", str(cofacilitator_port), "--data-dir", str(data), "--front", args.front,
             *(["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])] if tls else [])],
            env={k: v for k, v in env.items() if k != "WORKSHOP_JOIN_TOKEN"},
            stdout=open(create_private_file(logs / "cofacilitators.log"), "a"), stderr=subprocess.STDOUT,
        ))

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
    scheme = "https" if tls else "http"
    local = f"{scheme}://127.0.0.1:{participant_port}/"
    lab = f"http://127.0.0.1:{facilitator_port}/"
    up = _wait_until_up(local + ("?token=" + join_token if join_token else ""), participants,
                        context=trusting(tls[0]) if tls else None)
    if not up or not _wait_until_up(
        f"{lab}api/status?token={facilitator_token}", facilitators
    ) or (cofacilitators and not _wait_until_up(f"{scheme}://127.0.0.1:{cofacilitator_port}/facilitate/",
                                                children[2], context=trusting(tls[0]) if tls else None)):
        stop()
        for log in (logs / "participants.log", logs / "facilitators.log", logs / "cofacilitators.log"):
            if not log.exists():
                continue
            tail = log.read_text(errors="replace").splitlines()[-15:]
            say(f"--- last lines of {log} ---\n" + "\n".join(tail))
        return fail(f"the workshop servers did not start; their messages are in {logs}.")

    if not hosts:
        say("No network address found: is this laptop connected to the room's network? Using 127.0.0.1.")
        hosts = ["127.0.0.1"]
    participant_link = f"{scheme}://{hosts[0]}:{participant_port}/" + (f"?token={join_token}" if join_token else "")
    say("")
    say(f"Workshop '{workshop.workshop_id}' is running. Share the participant link; keep the facilitator link private.")
    say("Participant link:")
    say(participant_link)
    for other in hosts[1:]:
        say(f"  (also reachable as {scheme}://{other}:{participant_port}/ on another network)")
    write_private(data / "participant-link.txt", participant_link + "\n")
    if tls:
        say("The participants' pages are encrypted (HTTPS). Certificate fingerprint (SHA-256), for "
            "participants to compare with what their browser shows:")
        say(fingerprint(tls[0]))
    elif args.lan:
        say(PLAIN_HTTP_WARNING)
    say("Facilitator link (JupyterLab; formgrader is under Nbgrader > Formgrader):")
    say(f"{lab}lab?token={facilitator_token}")
    views = views_dir.relative_to(lab_root)
    for name, label in [("room", "Room view (with controls)"), ("projector", "Projector (revealed answers only)"),
                        ("session", "Session plan and timers"), ("join_card", "Join card (QR code)"),
                        ("figures", "Programme figures (co-facilitation, pay)")]:
        say(f"{label}:")
        say(f"{lab}voila/render/{views}/{name}.ipynb?token={facilitator_token}")
    (data / HOME_FILE).unlink(missing_ok=True)
    if cofacilitators:
        home = f"{scheme}://{hosts[0]}:{cofacilitator_port}/facilitate/"
        write_private(data / HOME_FILE, home + "\n")
        say("Co-facilitator links, one each (the room view, projector, timers and join card on their own phone; "
            "never JupyterLab). Give each to its person only; revoke a lost one with "
            "`workshop facilitators revoke NAME`:")
        for name, secret in cofacilitators.items():
            say(f"Co-facilitator link for {name}:")
            say(link_for(home, secret))
        say("Co-facilitators (their links as QR codes, and a button to revoke each; this laptop only):")
        say(f"{lab}voila/render/{views}/cofacilitators.ipynb?token={facilitator_token}")
        if not tls:
            say(COFACILITATORS_PLAIN_HTTP)
    say(f"Answers are saved in {workshop.store_url.removeprefix('sqlite:///')}. Press Ctrl+C to stop.")
    try:
        while all(child.poll() is None for child in children):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        (data / HOME_FILE).unlink(missing_ok=True)  # the lead's page then says no server is running
    say("Workshop stopped. Every saved answer is kept; `make serve` again to continue.")
    return 0
