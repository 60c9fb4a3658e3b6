"""What many tests do the same way: find a free port, wait for a server or a log line, start the
workshop's Voilà server or `workshop serve`, visit a server over HTTP or choose a pseudonym in a
browser, check a page with axe-core, give a workshop a course copied from one prepared once, and
keep what the servers and pages said for a failing test's report.

Fixtures live in ``tests/conftest.py``; this module holds the plain functions they and the tests
share.  Import them as ``from tests.helpers import ...``.
"""

from __future__ import annotations

import asyncio
import collections
import fcntl
import http.cookiejar
import os
import re
import signal
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from coproduction_kit.core.settings import PROJECT_ROOT

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
KERNEL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def missing(message: str) -> None:
    """Something a test needs is not installed: in CI that fails the test; elsewhere it skips it."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


# Waiting ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The logs of the servers tests have started and not yet stopped: a failing test's report shows
# their last lines (conftest.py), so a page that never came shows what its server said.
SERVER_LOGS: dict[int, list[Path]] = {}
# The logs of servers stopped during the current test: a test that stops its server in a `finally`
# has done so before its report is made, and the report must still show them (conftest.py forgets
# them when the next test starts).
STOPPED_SERVER_LOGS: dict[int, list[Path]] = {}


def forget_server(pid: int) -> None:
    """A test server has stopped: its logs go on being shown until the current test's report."""
    logs = SERVER_LOGS.pop(pid, None)
    if logs:
        STOPPED_SERVER_LOGS[pid] = logs


def server_log_tails(lines: int = 40) -> list[tuple[str, str]]:
    """(title, last lines) of the logs of every test server running, or stopped during this test."""
    tails = []
    for running, servers in ((True, SERVER_LOGS), (False, STOPPED_SERVER_LOGS)):
        for pid, logs in list(servers.items()):
            for log in logs:
                if log.exists():
                    tail = log.read_text(errors="replace").splitlines()[-lines:]
                    state = "" if running else ", stopped"
                    tails.append((f"server log {log} (pid {pid}{state})", "\n".join(tail)))
    return tails


# What the pages of the current test said in Chromium (console messages, script errors, failed
# requests): a failing test's report shows the last of them (conftest.py).
BROWSER_EVENTS: collections.deque[str] = collections.deque(maxlen=200)


def record_browser_events(browser) -> None:
    """Every context ``browser`` makes from now on notes its pages' messages in ``BROWSER_EVENTS``."""
    new_context = browser.new_context

    def recording_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("console", lambda message: BROWSER_EVENTS.append(
            f"{time.strftime('%H:%M:%S')} console {message.type}: {message.text[:500]} ({message.page and message.page.url})"))
        context.on("weberror", lambda error: BROWSER_EVENTS.append(
            f"{time.strftime('%H:%M:%S')} script error: {str(error.error)[:500]}"))
        context.on("requestfailed", lambda request: BROWSER_EVENTS.append(
            f"{time.strftime('%H:%M:%S')} request failed: {request.url} ({request.failure})"))
        return context

    browser.new_context = recording_context


def wait_until(condition, seconds: float = 60, every: float = 0.1) -> bool:
    """Whether ``condition()`` came true within ``seconds``; asked every ``every`` seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def wait_in_log(log: Path, pattern: str, seconds: float = 120) -> str:
    """Wait until ``pattern`` (a regex) appears in a server's log; returns the log's text."""
    if wait_until(lambda: re.search(pattern, log.read_text(errors="replace")), seconds):
        return log.read_text(errors="replace")
    raise AssertionError(f"{pattern!r} never appeared in {log}:\n{log.read_text(errors='replace')[-3000:]}")


def wait_for(url: str, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    """Wait until ``url`` answers; fail at once if ``process`` (the server) has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


# The workshop's Voilà server --------------------------------------------------------------------

def start_voila(workshop, port: int | None = None, args: tuple[str, ...] = (), env: dict | None = None,
                ready: str | None = ""):
    """Start the workshop's Voilà server as a separate process; returns (process, base URL).

    Its log is ``<data>/voila-<port>.log``; ``args`` go to ``python -m coproduction_kit.server.app``,
    ``env`` is added to the server's environment.  Returns once ``base URL + ready`` answers
    (``ready=None``: at once, for a caller that waits on the log itself).
    """
    port = port or free_port()
    env = dict(os.environ, WORKSHOP_DATA_DIR=str(workshop.data_dir), WORKSHOP_ID=workshop.workshop_id, **(env or {}))
    log = open(Path(workshop.data_dir) / f"voila-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "coproduction_kit.server.app", "--port", str(port), "--data-dir",
         str(workshop.data_dir), *args],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
    )
    SERVER_LOGS[process.pid] = [Path(log.name)]
    url = f"http://127.0.0.1:{port}/"
    if ready is not None:
        wait_for(url + ready, process)
    return process, url


def stop_voila(process, kill: bool = False) -> None:
    forget_server(process.pid)
    if kill:
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


def status_of(url: str) -> tuple[int, str]:
    """(HTTP status, the URL it ended at after redirects) of a plain GET of ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.url
    except urllib.error.HTTPError as err:
        return err.code, url


class Visitor:
    """One participant's browser, as far as HTTP goes: cookies kept, redirects followed."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path=""):
        try:
            with self.opener.open(self.base + path, timeout=120) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8")

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def post(self, path, **fields):
        self.get("")  # as a browser would, load the form first (it sets the _xsrf cookie)
        fields.setdefault("_xsrf", self.cookie("_xsrf"))
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=60) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode("utf-8")


def ask_kernel(process, code: str) -> str:
    """What ``code`` prints, run in a kernel (a ``psutil.Process``) through its connection file, as
    this user may and no browser can."""
    from jupyter_client import BlockingKernelClient

    connection = next(word for word in " ".join(process.cmdline()).split() if word.endswith(".json"))
    client = BlockingKernelClient(connection_file=connection)
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        said = []
        client.execute_interactive(code, timeout=60, output_hook=lambda m: said.append(m["content"].get("text", "")))
        return "".join(said).strip()
    finally:
        client.stop_channels()


def kernel_environment(process) -> dict:
    """A kernel's environment as it sees it (a kernel forked from the warm parent has its own,
    which ``/proc/<pid>/environ`` does not show)."""
    import json

    return json.loads(ask_kernel(process, "import json, os; print(json.dumps(dict(os.environ)))"))


def open_page(visitor: Visitor, module_id: str) -> str:
    """Open a module page as ``visitor``; returns the id of the kernel it was given."""
    status, page = visitor.get(f"voila/render/{module_id}.ipynb")
    assert status == 200, page[-500:]
    return KERNEL_ID.search(page).group(0)


def module_paths():
    """The page of every module, as Voilà serves it."""
    from coproduction_kit.core.curriculum import load_curriculum
    from coproduction_kit.core.settings import load_config

    curriculum = load_curriculum(load_config().curriculum_dir)
    return [f"voila/render/{m}.ipynb" for m in curriculum.modules]


def serious_violations(page):
    """axe-core's serious and critical violations on a Playwright page: (rule, impact, element)."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [(v["id"], v["impact"], v["nodes"][0]["html"][:120]) for v in result.response["violations"]
            if v["impact"] in ("serious", "critical")]


def wait_until_drawn(page) -> None:
    """In a Playwright ``page`` drawn by the light front end: until every widget output is drawn
    (front/src/index.js marks the body "ready" then, or "ready, N failed"); none may have failed.
    A page just clicked to may still be arriving, with no body yet (Voilà streams it)."""
    page.wait_for_function("() => (document.body?.dataset.workshopFront || '').startsWith('ready')")
    assert page.evaluate("document.body.dataset.workshopFront") == "ready"


def choose_pseudonym(page, url: str, pseudonym: str) -> None:
    """In a Playwright ``page``: open the start page at ``url`` and take part as ``pseudonym``."""
    page.goto(url)
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_role("button", name="Continue").click()


# The nbgrader course, prepared once ------------------------------------------------------------

def prepare_template(workshop) -> None:
    """Run the real ``prepare`` for ``workshop`` (under umask 022, as a facilitator's shell has:
    the kit and nbgrader must make the files private themselves)."""
    from coproduction_kit.core.curriculum import load_curriculum
    from coproduction_kit.nbgrader.course import prepare

    old = os.umask(0o022)
    try:
        prepare(workshop, load_curriculum(workshop.curriculum_dir), say=lambda _: None)
    finally:
        os.umask(old)


def run_folder(tmp_path_factory) -> Path:
    """This test run's temporary folder, shared by its pytest-xdist workers (each worker's own
    ``tmp_path_factory`` folder is inside it); without xdist, the run's own folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def prepared_once(template) -> None:
    """``prepare_template(template)`` unless a worker of this run has done it (its folder holds
    ``prepared`` once it is complete; a half-made one, from a worker that failed, is made again)."""
    folder = Path(template.data_dir).parent
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker at a time; closing the file lets the next in
        if not (folder / "prepared").exists():
            shutil.rmtree(template.data_dir, ignore_errors=True)
            prepare_template(template)
            (folder / "prepared").touch()


def copy_course(template, workshop) -> None:
    """Give ``workshop`` the course and exchange ``prepare`` made for ``template`` (same workshop id).

    What ``prepare`` writes is the course folder (sources, releases, gradebook, nbgrader_config.py)
    and the exchange's released copies; only nbgrader_config.py names the folders, so it is
    written anew for the copy.  Modes are copied with the files.  The store is made for the copy
    itself (its tables only: no participant of another test).
    """
    from coproduction_kit.core.private_files import private_folder
    from coproduction_kit.nbgrader.course import nbgrader_config_text

    assert template.workshop_id == workshop.workshop_id, "a course copy keeps its workshop id"
    private_folder(workshop.data_dir)
    shutil.copytree(template.course_dir, workshop.course_dir, dirs_exist_ok=True)
    shutil.copytree(template.exchange_root, workshop.exchange_root, dirs_exist_ok=True)
    (Path(workshop.course_dir) / "nbgrader_config.py").write_text(nbgrader_config_text(workshop), encoding="utf-8")
    from coproduction_kit.store import migrate

    migrate(workshop.store_url)  # the store's tables, as `workshop prepare` makes them


# `workshop serve` ------------------------------------------------------------------------------

SERVE_WORKSHOP = "serve-test"


def serve(tmp_path, *extra, course=None):
    """Run `workshop serve` on free ports with its data folder in ``tmp_path``; returns (process, printed lines).

    With ``course`` (the ``prepared_course`` fixture), the data folder starts with a copy of a course
    prepared once for the run, and `serve`'s own prepare finds every module ready, as on a restart;
    without it, `serve` prepares the course from nothing, as on a workshop's first start.
    """
    if course is not None:
        from coproduction_kit.core.settings import load_config

        course(load_config(tmp_path / "data", workshop_id=SERVE_WORKSHOP))
    env = dict(os.environ, WORKSHOP_ID=SERVE_WORKSHOP)
    env.pop("WORKSHOP_DATA_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "coproduction_kit.cli", "--data-dir", str(tmp_path / "data"), "serve",
         "--port", str(free_port()), "--facilitator-port", str(free_port()), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    lines = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if "Press Ctrl+C" in line:
            logs = tmp_path / "data" / "logs"
            SERVER_LOGS[process.pid] = [logs / "participants.log", logs / "facilitators.log", logs / "cofacilitators.log"]
            return process, lines
    process.kill()
    raise AssertionError("serve did not print its links:\n" + "\n".join(lines))


def stop_serve(process):
    forget_server(process.pid)
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()


def link_after(lines, heading):
    index = next(i for i, line in enumerate(lines) if line.startswith(heading))
    link = lines[index + 1]
    assert re.fullmatch(r"https?://\S+", link), f"not a full URL on its own line: {link!r}"
    return link


def run_coroutine(coroutine):
    """``asyncio.run`` in a thread of its own: in a run that also drives Chromium, Playwright's sync
    API keeps an event loop running in the test's thread, where ``asyncio.run`` is refused."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
