"""A cohort on JupyterHub, for real: answer → submit → collect → review, and what a participant's
own server can reach.

The set-up starts PostgreSQL (Debian's packages, a password on every TCP connection), then
JupyterHub on loopback with the repository's ``hub/jupyterhub_config.py`` (which starts the
``workshop`` service), the Python configurable-http-proxy and a test authenticator (a shared
password).  As root (CI), every hub user's server runs as a system account the test makes, and the
data folder belongs to root and the facilitators' group, as hub/README.md asks of a deployer.

Two participants log in in Chromium, land on the workshop's start page in their own servers,
answer in a real Voilà page and submit; a facilitator's server runs formgrader, where both
submissions appear after collecting, a comment is saved and released as feedback.  A participant
is refused formgrader, their own server's REST API writes, and the facilitator's server.  Then the
attacks: an ``execute_request`` sent over a page's websocket runs nothing, and code run as a
participant's account with their server's environment and files reaches no one else's answer or
submission (the service, the hub's API, any database URL, PostgreSQL, the data folder, the other
processes).
"""

from __future__ import annotations

import grp
import json
import os
import re
import secrets
import shutil
import signal
import sysconfig
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from tests.conftest import TEST_WORKSHOP
from tests.helpers import free_port, missing, wait_for
from coproduction_kit.core.settings import PROJECT_ROOT, load_config
from coproduction_kit.core.curriculum import load_curriculum

pytestmark = [pytest.mark.hub, pytest.mark.browser]

WORKSHOP_ID = TEST_WORKSHOP  # one nbgrader course prepared for the whole test run
PASSWORD = "a-test-password-only"
FACILITATOR = "ana-facilitator"
# A username that is not a valid pseudonym (shown as "river-stone"), and one that is. (No "@":
# the Python proxy re-encodes it in paths, see hub/README.md.)
PARTICIPANTS = {"river.stone": "river-stone", "sam": "sam"}
ANSWERS = {
    "river.stone": "Being paid said my <i>expertise</i> counted.",
    "sam": "I was thanked, and not paid: time is money for us too.",
}
MODULE = "payment"
TIMEOUT = 120_000  # ms: a server and a page each start a process on a 2-core machine


def _stop(process: subprocess.Popen) -> None:
    """Stop the hub (which stops the servers it started and its proxy); kill whatever is left."""
    import psutil

    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    gone, alive = psutil.wait_procs(children, timeout=10)
    for child in alive:
        child.kill()
    psutil.wait_procs(alive, timeout=10)


def _wait_answering(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until ``url`` answers at all (the service refuses a request without a token: 403)."""
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the hub stopped"
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def system_accounts():
    """As root (CI), each hub user gets their own unprivileged system account, as on a real hub.

    Without it every server would run as the same account as the hub and its workshop service, and
    "a participant cannot read the service's files" would prove nothing.  The facilitators' group
    may use the data folder; participants are in no group that can.
    """
    if os.geteuid() != 0:
        yield None
        return
    _fail_unless_others_may_enter(Path(sysconfig.get_path("purelib")), PROJECT_ROOT)
    homes = Path(tempfile.mkdtemp(prefix="wh-"))  # short: kernels' IPC socket paths
    homes.chmod(0o711)  # each account may reach its own home, and list no one's
    python, python_env = _python_for_accounts(homes)
    group = f"wf-{os.getpid()}"
    _run("groupadd", group)
    made = []
    try:
        for name in [*PARTICIPANTS, FACILITATOR]:
            if subprocess.run(["getent", "passwd", name], capture_output=True).returncode == 0:
                pytest.fail(f"A system account {name!r} already exists; the hub test makes its own.")
            extra = ["-G", group] if name == FACILITATOR else []
            _run("useradd", "--create-home", "--home-dir", str(homes / name), "--shell", "/usr/sbin/nologin",
                 "--user-group", *extra, name)
            made.append(name)
            (homes / name).chmod(0o700)
        yield {"group": grp.getgrnam(group).gr_gid, "homes": homes, "python": python, "env": python_env}
    finally:
        for name in made:
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)
        shutil.rmtree(homes, ignore_errors=True)


def _fail_unless_others_may_enter(*paths: Path) -> None:
    """The accounts run the kit from its checkout and environment: every folder on the way must
    let others pass (a checkout under a folder only root may enter would fail later, less clearly:
    each user's server timing out)."""
    for path in paths:
        closed = next((f for f in [*reversed(path.parents), path] if not f.stat().st_mode & 0o001), None)
        if closed is not None:
            pytest.fail(f"{closed} is closed to other accounts, so the hub users' accounts cannot run the kit "
                        f"from {path}: put the checkout in a folder others may enter, as a fresh clone is")


def _python_for_accounts(homes: Path) -> tuple[Path, dict]:
    """A Python the test's accounts may run, with the kit's packages; and the environment it needs.

    The kit's environment may sit on a Python only root can reach (pyenv under ``/root``). Then
    the same Python is linked (hard links: no copy, nothing changed in the original) into a
    folder everyone may read, with the kit's packages added by a ``.pth`` file.
    """
    if subprocess.run(["runuser", "-u", "nobody", "--", sys.executable, "-c", "pass"],
                      capture_output=True, cwd="/").returncode == 0:
        return Path(sys.executable), {}
    old_umask = os.umask(0o022)  # readable by the accounts, whatever an earlier test left set
    try:
        return _link_python(homes)
    finally:
        os.umask(old_umask)


def _link_python(homes: Path) -> tuple[Path, dict]:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base, runtime = Path(sys.base_prefix), homes / "python"
    stdlib = runtime / "lib" / version
    (runtime / "bin").mkdir(parents=True)
    (stdlib / "site-packages").mkdir(parents=True)
    os.link(base / "bin" / version, runtime / "bin" / version)
    for library in (base / "lib").glob("libpython*.so*"):
        if not library.is_symlink():
            os.link(library, runtime / "lib" / library.name)
    for item in (base / "lib" / version).iterdir():
        if item.name not in ("site-packages", "test"):
            _run("cp", "-al", str(item), str(stdlib / item.name))
    (stdlib / "site-packages" / "workshop-kit.pth").write_text(
        f"import site; site.addsitedir({sysconfig.get_path('purelib')!r})\n", encoding="utf-8")
    # Voilà's templates, and the server extensions the kit's environment enables (JupyterLab, nbgrader).
    for folder in ("share", "etc"):
        (runtime / folder).mkdir(exist_ok=True)
        (runtime / folder / "jupyter").symlink_to(Path(sys.prefix) / folder / "jupyter")
    # The interpreter looks for its library where it was built (under /root) unless told.
    return runtime / "bin" / version, {"LD_LIBRARY_PATH": str(runtime / "lib")}


def _share_with_facilitators(data_dir: Path, gid: int | None) -> None:
    """The data folder: the service's account (root here) and the facilitators' group, no one else.

    The hub's own state (``hub/``, its cookie secret) stays the hub's alone.  New folders inherit
    the group (set-group-id), so the service's submissions are readable by facilitators.
    """
    if gid is None:
        return
    for folder, dirs, files in os.walk(data_dir):
        if Path(folder) == data_dir:
            dirs[:] = [d for d in dirs if d != "hub"]
        os.chown(folder, 0, gid)
        os.chmod(folder, 0o2770)
        for name in files:
            path = Path(folder, name)
            os.chown(path, 0, gid)
            path.chmod(0o660)


@pytest.fixture(scope="module")
def hub_postgres():
    """PostgreSQL for the hub alone, with a password on every TCP connection (tests/postgres.py)."""
    from tests.postgres import PostgresServer, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        missing("PostgreSQL is missing (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql")
    server = PostgresServer(bindir, password=secrets.token_urlsafe(16))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def hub(hub_postgres, system_accounts, tmp_path_factory, prepared_course):
    """JupyterHub on loopback with the kit's configuration; yields its settings as a dict."""
    # Outside pytest's own folder (which only root may enter) so that facilitators can reach it.
    data_dir = Path(tempfile.mkdtemp(prefix="wd-")) / "workshop-data"
    root = data_dir.parent
    root.chmod(0o711)  # facilitators pass through to the data folder; no one may list it
    store_url = hub_postgres.database()
    workshop = load_config(data_dir, workshop_id=WORKSHOP_ID, store_url=store_url)
    prepared_course(workshop)
    gid = system_accounts["group"] if system_accounts else None
    _share_with_facilitators(data_dir, gid)

    port, hub_port, proxy_api_port, service_port = free_port(), free_port(), free_port(), free_port()
    config = root / "jupyterhub_test_config.py"
    if system_accounts:  # a process per system account, as JupyterHub's default spawner does
        spawner = textwrap.dedent(f"""\
            c.JupyterHub.spawner_class = "localprocess"
            c.Spawner.cmd = [{str(system_accounts["python"])!r}, "-m", "coproduction_kit.server.singleuser"]
            c.Spawner.environment = {{**c.Spawner.environment, **{system_accounts["env"]!r}}}""")
    else:
        homes = Path(tempfile.mkdtemp(prefix="wh-"))
        spawner = textwrap.dedent(f"""\
            c.JupyterHub.spawner_class = "simple"
            c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / "{username}")!r}""")
    # The repository's configuration, then only what a test needs: who may log in, and how.
    config.write_text(textwrap.dedent(f"""\
        c = get_config()
        load_subconfig({str(PROJECT_ROOT / "hub" / "jupyterhub_config.py")!r})
        c.JupyterHub.authenticator_class = "dummy"
        c.DummyAuthenticator.password = {PASSWORD!r}
        c.Authenticator.allowed_users = {set([*PARTICIPANTS, FACILITATOR])!r}
        c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
        c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
        """) + spawner + "\n", encoding="utf-8")
    config.chmod(0o600)  # it holds the test's shared password
    env = dict(
        os.environ,
        WORKSHOP_DATA_DIR=str(data_dir), WORKSHOP_STORE_URL=store_url, WORKSHOP_ID=WORKSHOP_ID,
        WORKSHOP_FACILITATORS=FACILITATOR, WORKSHOP_HUB_URL=f"http://127.0.0.1:{port}",
        WORKSHOP_SERVICE_URL=f"http://127.0.0.1:{service_port}",
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    )
    log_path = tmp_path_factory.mktemp("hub-log") / "jupyterhub.log"  # kept by pytest, for root only
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url + "hub/api", process, seconds=90)
        _wait_answering(f"http://127.0.0.1:{service_port}/services/workshop/api/progress", process)
        yield {"url": url, "workshop": workshop, "log": log_path, "store_url": store_url, "gid": gid,
               "service_url": env["WORKSHOP_SERVICE_URL"],
               "process": process, "postgres": hub_postgres, "accounts": system_accounts}
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(root, ignore_errors=True)
        if not system_accounts:
            shutil.rmtree(homes, ignore_errors=True)


def _token(hub, username: str) -> str:
    """An API token for a user, asked of the hub with their password (the authenticator checks it)."""
    import requests

    response = requests.post(f"{hub['url']}hub/api/users/{quote(username)}/tokens",
                             json={"auth": {"username": username, "password": PASSWORD}}, timeout=30)
    response.raise_for_status()
    return response.json()["token"]


def _start_server(hub, username: str, token: str) -> str:
    """Start a user's server through the hub's API; returns its URL once it answers."""
    import requests

    headers = {"Authorization": f"token {token}"}
    api = f"{hub['url']}hub/api/users/{quote(username)}"
    started = requests.post(api + "/server", headers=headers, timeout=30)
    assert started.status_code in (201, 202) or "is already running" in started.text, started.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        server = requests.get(api, headers=headers, timeout=30).json()["servers"].get("", {})
        if server.get("ready"):
            return hub["url"].rstrip("/") + server["url"]
        time.sleep(0.5)
    raise TimeoutError(f"{username}'s server did not start; see {hub['log']}")


def _answer_and_submit(browser, hub, username: str) -> None:
    context = browser.new_context(viewport={"width": 412, "height": 915})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    requests_seen = []
    page.on("request", lambda request: requests_seen.append(request.url))
    try:
        page.goto(hub["url"] + "hub/login")
        page.fill("#username_input", username)
        page.fill("#password_input", PASSWORD)
        page.click("#login_submit")
        # The hub starts the participant's server, which opens on the workshop's start page.
        page.get_by_text("You are taking part as").wait_for()
        assert page.url.endswith(f"/user/{username}/workshop/")
        assert page.locator("main strong").first.inner_text() == PARTICIPANTS[username]
        assert page.get_by_label("Pseudonym").count() == 0  # no pseudonym form behind the hub
        title = load_curriculum(hub["workshop"].curriculum_dir).module(MODULE)["title"]
        page.get_by_role("link", name=title).click()

        exercise = page.locator(".workshop-exercise").first
        box = exercise.locator("textarea")
        box.wait_for()
        page.get_by_text(f"You are answering as {PARTICIPANTS[username]}").wait_for()
        box.press_sequentially(ANSWERS[username], delay=10)
        exercise.get_by_text(re.compile(r"Saved at \d\d:\d\d:\d\d")).wait_for()
        exercise.get_by_label("Share with the facilitators").check()
        page.wait_for_timeout(1500)  # the share change saves after the same short pause
        page.get_by_role("button", name="Submit my shared answers").click()
        page.get_by_text(re.compile(r"Sent at \d\d:\d\d:\d\d: 1 answer")).wait_for()

        # The module page's link to the start page ("/") finds the participant's own start page.
        page.get_by_role("link", name="All modules and your progress").click()
        progress = page.locator("li", has=page.get_by_role("link", name=title)).locator(".progress")
        assert "Submitted at" in progress.inner_text()
    finally:
        context.close()
    hub_host = urlparse(hub["url"]).netloc
    outside = [u for u in requests_seen
               if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != hub_host]
    assert outside == []


def test_a_cohort_answers_submits_and_facilitators_collect_and_review(hub, chromium):
    import requests
    from nbgrader.api import Gradebook

    from coproduction_kit.store import Store
    from coproduction_kit.nbgrader.exchange import grade_id
    from coproduction_kit.nbgrader.course import collect

    workshop = hub["workshop"]
    for username in PARTICIPANTS:
        _answer_and_submit(chromium, hub, username)

    # The store on PostgreSQL knows each participant by their hub user, under a valid pseudonym.
    store = Store(hub["store_url"])
    people = {}
    for username, pseudonym in PARTICIPANTS.items():
        person = store.hub_participant(WORKSHOP_ID, username)
        assert person.pseudonym == pseudonym
        people[username] = person
    submitted = {(r["pseudonym"], r["answer"]) for r in store.submitted_rows(WORKSHOP_ID)}
    assert submitted == {(PARTICIPANTS[u], ANSWERS[u]) for u in PARTICIPANTS}
    store.close()

    # The facilitator collects (what `workshop collect` does in their server's terminal).
    summary = {s.module_id: s.submissions for s in collect(workshop, load_curriculum(workshop.curriculum_dir),
                                                          say=lambda _: None)}
    assert summary[MODULE] == 2
    _share_with_facilitators(Path(workshop.data_dir), hub["gid"])  # as if a facilitator had collected

    # Review: formgrader in the facilitator's own server, reached through the hub.
    facilitator = {"Authorization": f"token {_token(hub, FACILITATOR)}"}
    server = _start_server(hub, FACILITATOR, facilitator["Authorization"].split()[1])
    listed = requests.get(f"{server}formgrader/api/submissions/{MODULE}", headers=facilitator, timeout=60)
    assert listed.status_code == 200, listed.text
    review_ids = {people[u].review_id for u in PARTICIPANTS}
    rows = [r for r in listed.json() if r["student"] in review_ids]
    assert len(rows) == 2 and all(r["needs_manual_grade"] for r in rows)  # blind review codes, to read
    notebooks = requests.get(f"{server}formgrader/api/submitted_notebooks/{MODULE}/{MODULE}",
                             headers=facilitator, timeout=60).json()
    river = next(n for n in notebooks if n["student"] == people["river.stone"].review_id)
    page = requests.get(f"{server}formgrader/submissions/{river['id']}", headers=facilitator, timeout=60)
    assert page.status_code == 200
    assert "expertise" in page.text and "<i>expertise</i>" not in page.text  # shown, escaped

    with Gradebook(f"sqlite:///{workshop.course_dir / 'gradebook.db'}", WORKSHOP_ID) as gradebook:
        comment_id = gradebook.find_comment(grade_id("payment.personal-experience"), MODULE, MODULE,
                                            people["sam"].review_id).id
    saved = requests.put(f"{server}formgrader/api/comment/{comment_id}", headers=facilitator, timeout=60,
                         json={"manual_comment": "Thank you for naming the unpaid time."})
    assert saved.status_code == 200, saved.text
    with Gradebook(f"sqlite:///{workshop.course_dir / 'gradebook.db'}", WORKSHOP_ID) as gradebook:
        kept = gradebook.find_comment(grade_id("payment.personal-experience"), MODULE, MODULE,
                                      people["sam"].review_id).manual_comment
    assert kept == "Thank you for naming the unpaid time."

    # Feedback released (`workshop feedback`) reaches sam's start page through the workshop service,
    # and river.stone's journal holds their own words: neither server can read the data folder.
    from coproduction_kit.nbgrader.course import release_feedback

    assert release_feedback(workshop, load_curriculum(workshop.curriculum_dir), say=lambda _: None) >= 1
    sam = {"Authorization": f"token {_token(hub, 'sam')}"}
    start = requests.get(f"{hub['url']}user/sam/workshop/", headers=sam, timeout=60)
    assert f"/user/sam/feedback/{MODULE}" in start.text
    feedback = requests.get(f"{hub['url']}user/sam/feedback/{MODULE}", headers=sam, timeout=60)
    assert feedback.status_code == 200 and "Thank you for naming the unpaid time." in feedback.text
    river = {"Authorization": f"token {_token(hub, 'river.stone')}"}
    journal = requests.get(f"{hub['url']}user/river.stone/journal.md", headers=river, timeout=60)
    assert journal.status_code == 200
    assert "expertise" in journal.text and ANSWERS["sam"] not in journal.text

    # A participant is refused formgrader: in the facilitator's server and in their own.
    participant = {"Authorization": f"token {_token(hub, 'sam')}"}
    elsewhere = requests.get(f"{server}formgrader/api/submissions/{MODULE}", headers=participant,
                             timeout=60, allow_redirects=False)
    assert elsewhere.status_code == 403
    own = f"{hub['url']}user/sam/"
    for path in ("formgrader", f"formgrader/api/submissions/{MODULE}", "lab", "tree"):
        refused = requests.get(own + path, headers=participant, timeout=60, allow_redirects=False)
        assert refused.status_code == 404, (path, refused.status_code)
    # Their own server's REST API changes nothing: no new kernels, no files written.
    assert requests.post(own + "api/kernels", headers=participant, json={}, timeout=60).status_code == 403
    written = requests.put(own + "api/contents/mine.ipynb", headers=participant, timeout=60,
                           json={"type": "file", "format": "text", "content": "x"})
    assert written.status_code == 403
    assert requests.get(own + "api/contents", headers=participant, timeout=60).status_code == 200


# What a participant can do with their own server ---------------------------------------------

def _send(ws, msg_type: str, content: dict) -> str:
    msg_id = secrets.token_hex(8)
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "sam", "session": "probe",
                   "date": "2026-12-02T00:00:00Z", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
    }))
    return msg_id


def test_a_participants_page_kernel_runs_no_code_sent_over_its_websocket(hub):
    """Voilà as a server extension passes every message; the participant's server now passes only
    those Voilà's standalone server does, so an execute_request never reaches the kernel."""
    import requests
    import websocket

    token = _token(hub, "sam")
    server = _start_server(hub, "sam", token)
    page = requests.get(f"{server}voila/render/{MODULE}.ipynb", headers={"Authorization": f"token {token}"},
                        timeout=300)
    assert page.status_code == 200
    kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.text).group(1)
    marker = Path(tempfile.gettempdir()) / f"executed-{secrets.token_hex(6)}"  # /tmp: sam may write here
    ws = websocket.create_connection(
        server.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels",
        header=[f"Authorization: token {token}"], timeout=60,
    )
    try:
        execute = _send(ws, "execute_request", {
            "code": f"open({str(marker)!r}, 'w').write('ran')", "silent": False, "store_history": False,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True,
        })
        info = _send(ws, "kernel_info_request", {})  # allowed: its reply shows the socket works
        seen = []
        while True:
            message = json.loads(ws.recv())
            seen.append((message["msg_type"], message["parent_header"].get("msg_id")))
            if message["msg_type"] == "kernel_info_reply" and message["parent_header"].get("msg_id") == info:
                break
        time.sleep(3)  # anything the execute_request would have started has had time to show
        ws.settimeout(1)
        try:
            while True:
                message = json.loads(ws.recv())
                seen.append((message["msg_type"], message["parent_header"].get("msg_id")))
        except websocket.WebSocketTimeoutException:
            pass
    finally:
        ws.close()
    assert [kind for kind, parent in seen if parent == execute] == []  # no execute_input, no reply
    assert not marker.exists()
    # jupyter_server says why: the server dropped it (its log goes to the hub's).
    assert 'Received message of type "execute_request", which is not allowed' in hub["log"].read_text(errors="replace")


PROBE = r"""
import json, os, re, sys, urllib.error, urllib.request

args = json.loads(sys.argv[1])
out = {"uid": os.getuid(), "service": [], "hub_api": [], "db_urls": [], "db": [], "files": {}, "found_in_files": []}
token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
auth = {"Authorization": "token " + token}
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def ask(url, headers, method="GET", body=None):
    request = urllib.request.Request(url, headers=headers, method=method, data=body)
    try:
        with opener.open(request, timeout=30) as response:
            return [url, response.status, response.read().decode("utf-8", "replace")]
    except urllib.error.HTTPError as err:
        return [url, err.code, err.read().decode("utf-8", "replace")]
    except Exception as err:
        return [url, None, repr(err)]

# 1. The workshop service, with this server's own token, asking for someone else in every way.
service = os.environ["WORKSHOP_SERVICE_URL"] + "api/"
for path in ["answers", "answers?participant=1&participant_id=1&hub_user=sam&user=sam",
             "answers/payment/payment.personal-experience", "progress", "feedback", "submissions/payment",
             "participant?hub_user=sam"]:
    out["service"].append(ask(service + path, auth))
    out["service"].append(ask(service + path, {**auth, "X-Forwarded-User": "sam", "X-Remote-User": "sam",
                                               "Cookie": "jupyterhub-user=sam"}))
out["service"].append(ask(args["proxy"] + "services/workshop/api/answers", auth))
# sam's own server: their journal (every answer, private ones included) and files.
for path in ["user/sam/journal.md", "user/sam/api/contents", "user/sam/workshop/"]:
    out["service"].append(ask(args["proxy"] + path, auth))
# 2. The hub's API: a token of sam's, or sam's model.
hub_api = os.environ["JUPYTERHUB_API_URL"].rstrip("/")
out["hub_api"].append(ask(hub_api + "/users/sam/tokens", {**auth, "Content-Type": "application/json"},
                          "POST", b"{}"))
out["hub_api"].append(ask(hub_api + "/users/sam/tokens", auth))
out["hub_api"].append(ask(hub_api + "/users", auth))

# 3. Any database URL in this server's environment or files, and PostgreSQL with no password.
pattern = re.compile(r"postgres(?:ql)?(?:\+\w+)?://[^\s'\"]+")
found = set(pattern.findall("\n".join(os.environ.values())))
for root in args["search"]:
    for folder, dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as handle:
                    text = handle.read(2_000_000).decode("utf-8", "replace")
            except OSError:
                continue
            found.update(pattern.findall(text))
            if args["secret"] in text or args["submitted"] in text:
                out["found_in_files"].append(path)
out["db_urls"] = sorted(found)
import psycopg
for url in sorted(found):
    try:
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), connect_timeout=5) as conn:
            out["db"].append([url, "CONNECTED", str(conn.execute("select value from answers").fetchall())])
    except Exception as err:
        out["db"].append([url, type(err).__name__, str(err)[:300]])
for user in ["workshop", "postgres", "river.stone"]:
    for host in ["127.0.0.1", args["pg_socket_dir"]]:
        try:
            with psycopg.connect(host=host, port=args["pg_port"], user=user, dbname=args["dbname"],
                                 connect_timeout=5) as conn:
                out["db"].append([user + "@" + host, "CONNECTED", str(conn.execute("select value from answers").fetchall())])
        except Exception as err:
            out["db"].append([user + "@" + host, type(err).__name__, str(err)[:300]])

# 4. The data folder (course and exchange), the other processes' environments, sam's home.
for label, path in args["paths"].items():
    try:
        if os.path.isdir(path):
            out["files"][label] = ["LISTED", os.listdir(path)]
        else:
            with open(path, "rb") as handle:
                out["files"][label] = ["READ", handle.read(200).decode("utf-8", "replace")]
    except Exception as err:
        out["files"][label] = [type(err).__name__, str(err)[:200]]
print(json.dumps(out))
"""


def _process(predicate):
    import psutil

    for process in psutil.process_iter(["username", "cmdline"]):
        if predicate(process.info["username"] or "", " ".join(process.info["cmdline"] or [])):
            return process
    raise LookupError("no such process")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: each hub user's server must run as their own account")
def test_code_run_with_everything_a_participants_server_has_reaches_no_one_elses_answers(hub):
    """Code run as river.stone, with their server's environment and files, finds no way to sam's
    answers or submission: the service answers for river.stone alone, no database login is there to
    find, PostgreSQL wants a password, and the data folder and other processes are closed to them."""
    import pwd

    import requests

    # Letters, digits and spaces: they read the same in a submitted notebook (escaped Markdown).
    own, other = "river own words " + secrets.token_hex(4), "sam private words " + secrets.token_hex(4)
    submitted = "sam shared words " + secrets.token_hex(4)
    tokens = {user: _token(hub, user) for user in ("sam", "river.stone")}
    for user in tokens:
        _start_server(hub, user, tokens[user])
    server_process = _process(lambda user, cmd: user == "river.stone" and "singleuser" in cmd)
    environ = dict(item.split("=", 1) for item in
                   Path(f"/proc/{server_process.pid}/environ").read_text().split("\0") if "=" in item)
    assert "WORKSHOP_STORE_URL" not in environ and "WORKSHOP_DATA_DIR" not in environ
    assert environ["JUPYTERHUB_API_TOKEN"] and environ["WORKSHOP_SERVICE_URL"]

    # Through the service, as each of them: sam answers (one private, one shared and submitted).
    base = environ["WORKSHOP_SERVICE_URL"] + "api/"
    headers = {user: {"Authorization": f"token {tokens[user]}"} for user in tokens}
    for user, module, exercise, value, share in [
        ("sam", MODULE, "payment.personal-experience", submitted, "facilitators"),
        ("sam", "power", "power.open-drafting", other, "private"),
        ("river.stone", MODULE, "payment.personal-experience", own, "private"),
    ]:
        saved = requests.put(f"{base}answers/{module}/{exercise}", headers=headers[user], timeout=30,
                             json={"value": value, "share": share, "passed": False})
        assert saved.status_code == 200, saved.text
    sent = requests.post(f"{base}submissions/{MODULE}", headers=headers["sam"], json={}, timeout=60)
    assert sent.status_code == 200 and submitted in [a["value"] for a in sent.json()["sent"]], sent.text
    workshop = hub["workshop"]
    inbound = workshop.exchange_root / WORKSHOP_ID / "inbound"
    assert any(submitted in p.read_text() for p in inbound.glob(f"*+{MODULE}+*/{MODULE}.ipynb"))

    service_process = _process(lambda user, cmd: "coproduction_kit.server.hub_service" in cmd)
    sam_server = _process(lambda user, cmd: user == "sam" and "singleuser" in cmd)
    postgres = hub["postgres"]
    args = {
        "secret": other, "submitted": submitted, "proxy": hub["url"],
        "pg_port": postgres.port, "pg_socket_dir": str(postgres.root),
        "dbname": hub["store_url"].rsplit("/", 1)[1],
        "search": [environ["HOME"], server_process.cwd(), workshop.modules_dir],
        "paths": {
            "data folder": str(workshop.data_dir), "exchange inbound": str(inbound),
            "course": str(workshop.course_dir), "hub environment": f"/proc/{hub['process'].pid}/environ",
            "service environment": f"/proc/{service_process.pid}/environ",
            "sam's server environment": f"/proc/{sam_server.pid}/environ",
            "sam's home": pwd.getpwnam("sam").pw_dir,
        },
    }
    probe = subprocess.run(["runuser", "-u", "river.stone", "--", str(hub["accounts"]["python"]), "-c", PROBE, json.dumps(args)],
                           env=environ, capture_output=True, text=True, timeout=300, cwd=server_process.cwd())
    assert probe.returncode == 0, probe.stderr
    out = json.loads(probe.stdout)
    assert out["uid"] == pwd.getpwnam("river.stone").pw_uid

    # The service answered river.stone (their own words came back) and never with sam's.
    replies = " ".join(body for _, _, body in out["service"])
    assert own in replies
    assert other not in replies and submitted not in replies
    assert {json.loads(body)["pseudonym"] for url, status, body in out["service"]
            if status == 200 and "/participant" in url} == {PARTICIPANTS["river.stone"]}
    assert all(status in (403, 404) for _, status, _ in out["hub_api"]), out["hub_api"]
    # No database login anywhere it can look; PostgreSQL refuses it without a password.
    assert out["db_urls"] == []
    assert [attempt for attempt in out["db"] if attempt[1] == "CONNECTED"] == [], out["db"]
    assert any("password" in attempt[2] for attempt in out["db"]), out["db"]  # TCP asks for one
    assert out["found_in_files"] == []
    # The data folder, the hub's and the service's environments and sam's server are closed to it.
    for label, (outcome, detail) in out["files"].items():
        assert outcome == "PermissionError", (label, outcome, detail)


def _client(hub, username: str):
    from coproduction_kit.store.client import StoreClient

    service = f"{hub['service_url']}/services/workshop/"
    return StoreClient(service, _token(hub, username))


def test_the_stores_refusals_reach_the_page_in_their_own_words(hub):
    """Through the service, a participant's page gets the store's own errors and their plain text."""
    from coproduction_kit.store import AnswerTooLong, PromptLocked, Store

    client = _client(hub, "sam")
    with pytest.raises(AnswerTooLong, match="the limit is 20,000. It stays on your page"):
        client.save_answer(None, MODULE, "payment.personal-experience", "x" * 20_001)
    client.save_answer(None, "power", "power.open-drafting", "before the lock")
    store = Store(hub["store_url"])
    try:
        store.set_room_state(WORKSHOP_ID, "power.open-drafting", locked=True)
        with pytest.raises(PromptLocked, match="The facilitators have closed this question"):
            client.save_answer(None, "power", "power.open-drafting", "after the lock")
    finally:
        store.set_room_state(WORKSHOP_ID, "power.open-drafting", locked=False)
        store.close()
    assert client.get_answer(None, "power", "power.open-drafting").value == "before the lock"


def test_a_participant_withdraws_through_the_service_and_every_copy_goes(hub):
    """Withdrawal needs the data folder, which only the service can reach: it removes the
    participant's answers and submissions there, and nobody else's."""
    from coproduction_kit.store import Store

    river, sam = _client(hub, "river.stone"), _client(hub, "sam")
    river.save_answer(None, MODULE, "payment.personal-experience", "to withdraw", share="facilitators")
    assert river.submit(MODULE).sent
    inbound = hub["workshop"].exchange_root / WORKSHOP_ID / "inbound"
    store = Store(hub["store_url"])
    person = store.hub_participant(WORKSHOP_ID, "river.stone")
    mine = {person.review_id, person.pseudonym}
    assert any(folder.name.split("+", 1)[0] in mine for folder in inbound.iterdir())
    others = {folder.name for folder in inbound.iterdir() if folder.name.split("+", 1)[0] not in mine}

    removed = river.withdraw()
    assert removed["answers"] >= 1 and removed["submissions"] >= 1
    assert not any(folder.name.split("+", 1)[0] in mine for folder in inbound.iterdir())
    assert {folder.name for folder in inbound.iterdir()} == others  # nobody else's went
    assert store.answers_for(person) == []
    assert sam.answers_for(None)  # sam's answers are still there
    store.close()


def test_an_anonymous_answer_sent_through_the_service_is_linked_to_no_one(hub):
    """The evaluation behind the hub: sent through the service, kept unlinked, and sent only once."""
    from coproduction_kit.store import Store, StoreError

    sam = _client(hub, "sam")
    rating = "closing.evaluation-safe"
    sam.save_answer(None, "closing", rating, 4)
    assert not sam.sent_anonymously(None, rating)
    sam.send_anonymously(None, "closing", rating, 4)
    assert sam.sent_anonymously(None, rating)
    assert sam.get_answer(None, "closing", rating) is None  # the linked draft is gone
    with pytest.raises(StoreError, match="already sent"):
        sam.send_anonymously(None, "closing", rating, 5)
    assert not _client(hub, "river.stone").sent_anonymously(None, rating)  # sam's sending is sam's
    store = Store(hub["store_url"])
    try:
        assert store.anonymous_answers(WORKSHOP_ID)[rating] == [4]
    finally:
        store.close()
