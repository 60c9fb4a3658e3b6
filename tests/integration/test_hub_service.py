"""The hub's workshop service, in this process, without a hub: what a participant's server asks it.

``tests/integration/test_hub.py`` runs the whole cohort (a real JupyterHub, PostgreSQL, accounts);
here the service's own Tornado application answers a ``StoreClient`` on a loopback port, with the
hub's "whose token is this" answered by the test, so one route is checked in a second.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from tornado import httpserver

from coproduction_kit.server import hub_service
from coproduction_kit.store.client import StoreClient
from tests.helpers import free_port, wait_until

pytestmark = pytest.mark.server
PREFIX = "/services/workshop/"


@pytest.fixture
def service(workshop, store, monkeypatch):
    """The service for ``workshop`` on a free port, every request coming from hub user ``ada``."""
    monkeypatch.setattr(hub_service._ParticipantAPI, "get_current_user",
                        lambda self: {"kind": "user", "name": "ada"})
    port, started, loop = free_port(), threading.Event(), asyncio.new_event_loop()

    def run():
        asyncio.set_event_loop(loop)
        server = httpserver.HTTPServer(hub_service.make_app(hub_service.Door(workshop, store), PREFIX))
        server.listen(port, "127.0.0.1")
        loop.call_soon(started.set)
        loop.run_forever()
        server.stop()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield StoreClient(f"http://127.0.0.1:{port}{PREFIX}", "ada's-server-token")
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def test_the_start_page_behind_the_hub_learns_whether_the_follow_up_is_open(service, workshop, store):
    assert service.follow_up_open() is False  # closed until a facilitator opens it
    store.open_follow_up(workshop.workshop_id)
    assert service.follow_up_open("any other workshop") is True  # the service answers for its own only
    store.open_follow_up(workshop.workshop_id, False)
    assert service.follow_up_open() is False



def test_a_curious_participant_cannot_reach_the_sessions_clock_through_the_service(service, workshop, store):
    """Behind the hub a participant's server (whose kernels run any code sent to them) reaches the
    store only through this service: nothing in it reads or moves the facilitators' session clock."""
    import json
    import urllib.error
    import urllib.request

    store.act_on_session_clock(workshop.workshop_id, "series", 2, "start")
    before = store.session_clock(workshop.workshop_id, "series", 2)
    service.hub_participant()  # ada is a participant of this workshop
    tries = [("GET", "session_clocks"), ("GET", "session-clock"), ("PUT", "session-clock/series/2"),
             ("POST", "clock/extend"), ("GET", "room"), ("PUT", "room/payment.personal-experience"),
             ("PUT", "answers/session_clocks/series"), ("PUT", "answers/payment/session_clocks")]
    statuses = []
    for method, path in tries:
        request = urllib.request.Request(service.url + "api/" + path, method=method,
                                         data=json.dumps({"action": "pause", "value": "x"}).encode(),
                                         headers={"Authorization": "token ada's-server-token"})
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                statuses.append((path, reply.status, reply.read().decode()))
        except urllib.error.HTTPError as err:
            statuses.append((path, err.code, err.read().decode()))
    assert all(status in (400, 403, 404) for _, status, _ in statuses), statuses
    assert store.session_clock(workshop.workshop_id, "series", 2) == before  # still running, untouched
    assert all("running" not in body and "segment" not in body for _, _, body in statuses)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_the_service_stops_at_once_when_the_hub_stops_it_even_with_sigint_ignored(sig, postgres_url, tmp_path):
    """JupyterHub stops its services with SIGINT, then SIGTERM seconds later. Started as a background job
    of a script (SIGINT ignored, which a child inherits), the service used to sit through SIGINT and
    keep the hub's shutdown waiting; now either signal stops it, cleanly (exit 0)."""
    port = free_port()
    env = dict(os.environ, WORKSHOP_STORE_URL=postgres_url, WORKSHOP_DATA_DIR=str(tmp_path / "data"),
               WORKSHOP_ID="signal-test", JUPYTERHUB_SERVICE_URL=f"http://127.0.0.1:{port}",
               JUPYTERHUB_API_TOKEN="unused", JUPYTERHUB_API_URL="http://127.0.0.1:9/hub/api")
    log = tmp_path / "service.log"
    with log.open("w") as out:
        service = subprocess.Popen([sys.executable, "-m", "coproduction_kit.server.hub_service"], env=env,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert wait_until(lambda: "listens on" in log.read_text() or service.poll() is not None, 60), log.read_text()
        assert service.poll() is None, log.read_text()
        started = time.monotonic()
        service.send_signal(sig)
        assert service.wait(5) == 0, log.read_text()
        assert time.monotonic() - started < 5 and f"Stopping on {sig.name}" in log.read_text()
    finally:
        if service.poll() is None:
            service.kill()
