"""Shared fixtures: a workshop in a temporary folder, a real Voilà server, a real browser."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from coproduction_kit.core.settings import PROJECT_ROOT, load_config
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.widgets.session import PREVIEW, Session
from coproduction_kit.store import Store, migrate

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# nbgrader runs `alembic` by name: make this environment's scripts findable.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_in_log(log: Path, pattern: str, seconds: float = 120) -> str:
    """Wait until ``pattern`` (a regex) appears in a server's log; returns the log's text."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if re.search(pattern, text):
            return text
        time.sleep(0.5)
    raise AssertionError(f"{pattern!r} never appeared in {log}:\n{log.read_text(errors='replace')[-3000:]}")


def wait_for(url: str, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


@pytest.fixture(autouse=True)
def _umask_as_it_was():
    """The kit's command line sets a private umask for its process; a test calling it in-process
    must not leave that on the test run (the hub test's accounts need to read what it links)."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture
def workshop(tmp_path):
    """A workshop configuration whose data folder is a fresh temporary one.

    Saves happen at once (no typing pause), so unit tests need no event loop;
    test_widgets.py tests the pause on its own loop.  Its store's tables are made here, as
    ``workshop serve`` makes them before any page opens the store.
    """
    config = load_config(tmp_path / "data", workshop_id="test-workshop", autosave_delay=0)
    migrate(config.store_url)
    return config


@pytest.fixture
def store(workshop):
    s = Store(workshop.store_url)
    yield s
    s.close()


@pytest.fixture
def curriculum(workshop):
    return load_curriculum(workshop.curriculum_dir)


@pytest.fixture
def participant_session(workshop, store):
    """A kernel session for one participant, saving to a real SQLite store (no kernel needed)."""
    participant, _ = store.add_participant(workshop.workshop_id, "river-12")
    return Session("participant", workshop, store, participant)


@pytest.fixture
def preview_session(workshop):
    s = Store.in_memory()
    participant, _ = s.add_participant(workshop.workshop_id, "preview")
    return Session(PREVIEW, workshop, s, participant)


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    """A workshop with its nbgrader course prepared once for the session (real nbgrader)."""
    from coproduction_kit.nbgrader.course import prepare

    data = tmp_path_factory.mktemp("prepared") / "data"
    workshop = load_config(data, workshop_id="test-workshop")
    prepare(workshop, load_curriculum(workshop.curriculum_dir), say=lambda _: None)
    migrate(workshop.store_url)  # as `workshop prepare` does
    return workshop


def start_voila(workshop, port: int | None = None, args: tuple[str, ...] = ()):
    """Start the workshop's Voilà server as a separate process; returns (process, base URL).

    Its log is ``<data>/voila-<port>.log``; ``args`` go to ``python -m workshop.server``.
    """
    port = port or free_port()
    env = dict(os.environ, WORKSHOP_DATA_DIR=workshop.data_dir, WORKSHOP_ID=workshop.workshop_id)
    log = open(Path(workshop.data_dir) / f"voila-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "coproduction_kit.server.app", "--port", str(port), "--data-dir", workshop.data_dir, *args],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for(url, process)
    return process, url


def stop_voila(process, kill: bool = False) -> None:
    if kill:
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def voila_server(prepared):
    """A real workshop Voilà server on a free loopback port; yields its base URL."""
    process, url = start_voila(prepared)
    try:
        yield url
    finally:
        stop_voila(process)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright. In CI a missing browser fails; it never skips."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server from Debian's packages for this test run. In CI a missing one fails."""
    from tests.postgres import PostgresServer, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        message = "PostgreSQL is missing (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer(bindir)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres):
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    url = postgres.database()
    yield url
    postgres.drop(url)
