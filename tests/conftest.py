"""Shared fixtures: a workshop in a temporary folder, a real Voilà server, a real browser."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from coproduction_kit.core.settings import PROJECT_ROOT, load_config
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.widgets.session import PREVIEW, Session
from coproduction_kit.store import Store, migrate
from tests.helpers import (BROWSER_EVENTS, IN_CI, STOPPED_SERVER_LOGS, copy_course, missing, prepared_once, record_browser_events,
                           run_folder, server_log_tails, start_voila, stop_voila)

CHROMIUM = "/usr/bin/chromium"
TESTS = Path(__file__).parent
TEST_WORKSHOP = "test-workshop"  # the tests' workshop id: one course prepared for all

# nbgrader runs `alembic` by name: make this environment's scripts findable.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


# What each folder may use (README.md, "What is where"): a unit test starts no server, runs no
# nbgrader command and drives no browser; a browser test says so with its marker.
HEAVY_MARKERS = {"server", "nbgrader", "browser", "hub"}
HEAVY_FIXTURES = {"voila_server", "voila_front_server", "chromium", "prepared", "prepared_copy", "prepared_course", "postgres", "postgres_url"}


# The longest files, longest first (seconds in a two-worker run, 2026-12-03). `make test`'s workers
# take files in the order collected (--dist loadfile --no-loadscope-reorder), so these start first
# and the short files fill in at the end: two long browser files never run last on one worker while
# the other waits. Files not named keep their place after them.
LONG_FILES = [
    "tests/integration/test_hub.py",
    "tests/integration/test_server_doors.py",
    "tests/integration/test_voila_render.py",
    "tests/integration/test_serve.py",
    "tests/browser/test_phone.py",
    "tests/browser/test_cofacilitators_browser.py",
    "tests/browser/test_browser_room.py",
    "tests/integration/test_package.py",
    "tests/browser/test_evaluation_pairs.py",
    "tests/browser/test_browser.py",
    "tests/integration/test_cofacilitators.py",
    "tests/browser/test_accessibility.py",
    "tests/browser/test_light_front.py",
    "tests/integration/test_page_kernels.py",
    "tests/browser/test_power_map_by_hand.py",
    "tests/browser/test_touch.py",
    "tests/integration/test_light_pages.py",
    "tests/integration/test_store.py",
    "tests/browser/test_browser_preheat.py",
    "tests/integration/test_room_sense_server.py",
]


def _longest_first(items):
    rank = {path: n for n, path in enumerate(LONG_FILES)}
    place = {}
    for n, item in enumerate(items):
        path = Path(str(item.path))
        name = path.relative_to(TESTS.parent).as_posix() if path.is_relative_to(TESTS.parent) else str(path)
        place[id(item)] = (rank.get(name, len(LONG_FILES)), n)
    items.sort(key=lambda item: place[id(item)])


def pytest_collection_modifyitems(config, items):
    _longest_first(items)
    misplaced = []
    for item in items:
        path = Path(str(item.path))
        layer = path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else None
        marks = {mark.name for mark in item.iter_markers()}
        heavy = sorted(marks & HEAVY_MARKERS | HEAVY_FIXTURES & set(getattr(item, "fixturenames", ())))
        if layer == "unit" and heavy:
            misplaced.append(f"{item.nodeid}: uses {heavy}; move it to tests/integration or tests/browser")
        elif layer == "browser" and "browser" not in marks:
            misplaced.append(f"{item.nodeid}: in tests/browser without the browser marker")
    if misplaced:
        raise pytest.UsageError("tests in the wrong layer:\n" + "\n".join(misplaced))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (CI=true) a browser, server, nbgrader or hub test that skips fails instead: CI has
    Chromium and PostgreSQL, so a skip there means a test that did not run."""
    report = yield
    heavy = HEAVY_MARKERS & {mark.name for mark in item.iter_markers()}
    if IN_CI and report.skipped and heavy and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where it must run: {report.longrepr}"
    if report.when == "setup":
        BROWSER_EVENTS.clear()  # what the browser says from here on is this test's
        STOPPED_SERVER_LOGS.clear()  # and so are the servers it stops
    if report.failed:  # what the servers running at the time, and the pages, said (a page that never came: why)
        for title, tail in server_log_tails():
            report.sections.append((title, tail))
        if BROWSER_EVENTS:
            report.sections.append(("browser console", "\n".join(list(BROWSER_EVENTS)[-80:])))
    return report


@pytest.fixture(autouse=True)
def _umask_as_it_was():
    """The kit's command line sets a private umask for its process; a test calling it in-process
    must not leave that on the test run (the hub test's accounts need to read what it links)."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


@pytest.fixture
def lesson(tmp_path):
    """A copy of the project's curriculum, notebooks and guides, for a test to break."""
    for folder in ("curriculum", "modules", "facilitator_guides"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture
def workshop(tmp_path):
    """A workshop configuration whose data folder is a fresh temporary one.

    Saves happen at once (no typing pause), so unit tests need no event loop;
    test_widgets.py tests the pause on its own loop.  Its store's tables are made here, as
    ``workshop serve`` makes them before any page opens the store.
    """
    config = load_config(tmp_path / "data", workshop_id=TEST_WORKSHOP, autosave_delay=0)
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
def prepared_course(tmp_path_factory):
    """``prepared_course(workshop)`` gives a workshop a course copied from one prepared once.

    nbgrader's ``prepare`` (generate and release every module) takes seconds; it runs once per
    workshop id in a test run (the tests use ``TEST_WORKSHOP``), into a template folder that the
    run's pytest-xdist workers share, and each workshop gets its own copy: no test sees another's
    participants or submissions.
    """
    templates = {}

    def give(workshop):
        template = templates.get(workshop.workshop_id)
        if template is None:
            template = load_config(run_folder(tmp_path_factory) / f"course-template-{workshop.workshop_id}" / "data",
                                   workshop_id=workshop.workshop_id)
            prepared_once(template)
            templates[workshop.workshop_id] = template
        copy_course(template, workshop)
        return workshop

    return give


@pytest.fixture(scope="session")
def prepared(tmp_path_factory, prepared_course):
    """A prepared workshop shared by the session's Voilà server and the tests that visit it."""
    data = tmp_path_factory.mktemp("prepared") / "data"
    return prepared_course(load_config(data, workshop_id=TEST_WORKSHOP))


@pytest.fixture
def prepared_copy(tmp_path, prepared_course):
    """A prepared workshop of this test's own (a copy of the course prepared once)."""
    return prepared_course(load_config(tmp_path / "data", workshop_id=TEST_WORKSHOP))


@pytest.fixture(scope="session")
def voila_server(prepared):
    """A real workshop Voilà server on a free loopback port; yields its base URL."""
    process, url = start_voila(prepared)
    try:
        yield url
    finally:
        stop_voila(process)


@pytest.fixture(scope="session")
def voila_front_server(prepared):
    """The same server started with ``--front voila``: Voilà's own front end, the fallback a
    facilitator can start with (server/light.py), for the tests of what the template does for it."""
    process, url = start_voila(prepared, args=("--front", "voila"))
    try:
        yield url
    finally:
        stop_voila(process)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright. In CI a missing browser fails; it never skips."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        missing(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        record_browser_events(browser)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server from Debian's packages for this test run. In CI a missing one fails."""
    from tests.postgres import PostgresServer, postgres_bindir

    bindir = postgres_bindir()
    if bindir is None:
        missing("PostgreSQL is missing (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql")
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
