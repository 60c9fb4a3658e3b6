"""The hub's workshop service, in this process, without a hub: what a participant's server asks it.

``tests/integration/test_hub.py`` runs the whole cohort (a real JupyterHub, PostgreSQL, accounts);
here the service's own Tornado application answers a ``StoreClient`` on a loopback port, with the
hub's "whose token is this" answered by the test, so one route is checked in a second.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from tornado import httpserver

from coproduction_kit.server import hub_service
from coproduction_kit.store.client import StoreClient
from tests.helpers import free_port

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

