"""A cohort on JupyterHub, for real: answer → submit → collect → review.

The set-up starts PostgreSQL (Debian's packages), then JupyterHub on loopback with the repository's
``hub/jupyterhub_config.py``, the Python configurable-http-proxy, a local spawner and a test
authenticator (a shared password).  Two participants log in to the hub in Chromium, land on the
workshop's start page in their own servers, answer in a real Voilà page and submit; a facilitator's
server runs formgrader, where both submissions appear after collecting, and a comment is saved.
A participant is refused formgrader, their own server's REST API writes, and the facilitator's server.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from tests.conftest import free_port, wait_for
from widgets.config import PROJECT_ROOT, load_config
from widgets.curriculum import load_curriculum

pytestmark = [pytest.mark.hub, pytest.mark.browser]

WORKSHOP_ID = "hub-cohort"
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


@pytest.fixture(scope="module")
def hub(tmp_path_factory, postgres):
    """JupyterHub on loopback with the kit's configuration; yields its settings as a dict."""
    from workshop.course import prepare

    root = tmp_path_factory.mktemp("hub")
    data_dir = root / "workshop-data"
    store_url = postgres.database()
    workshop = load_config(data_dir, workshop_id=WORKSHOP_ID, store_url=store_url)
    prepare(workshop, load_curriculum(workshop.curriculum_dir), say=lambda _: None)

    # Homes with a short path: kernels talk over IPC sockets, whose paths may not pass 107 bytes.
    homes = Path(tempfile.mkdtemp(prefix="wh-"))
    port, hub_port, proxy_api_port = free_port(), free_port(), free_port()
    config = root / "jupyterhub_test_config.py"
    # The repository's configuration, then only what a test needs: who may log in, and how.
    config.write_text(textwrap.dedent(f"""\
        c = get_config()
        load_subconfig({str(PROJECT_ROOT / "hub" / "jupyterhub_config.py")!r})
        c.JupyterHub.authenticator_class = "dummy"
        c.DummyAuthenticator.password = {PASSWORD!r}
        c.Authenticator.allowed_users = {set([*PARTICIPANTS, FACILITATOR])!r}
        c.JupyterHub.spawner_class = "simple"
        c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / "{username}")!r}
        c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
        c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
        """), encoding="utf-8")
    env = dict(
        os.environ,
        WORKSHOP_DATA_DIR=str(data_dir), WORKSHOP_STORE_URL=store_url, WORKSHOP_ID=WORKSHOP_ID,
        WORKSHOP_FACILITATORS=FACILITATOR, WORKSHOP_HUB_URL=f"http://127.0.0.1:{port}",
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    )
    log_path = root / "jupyterhub.log"
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url + "hub/api", process, seconds=90)
        yield {"url": url, "workshop": workshop, "log": log_path, "store_url": store_url}
    finally:
        _stop(process)
        log.close()
        postgres.drop(store_url)
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
    assert started.status_code in (201, 202), started.text
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

    from widgets.store import Store
    from widgets.submit_bridge import grade_id
    from workshop.course import collect

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
