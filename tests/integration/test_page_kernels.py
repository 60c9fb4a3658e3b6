"""Kernels of pages a participant has left are given back; a page still open keeps its kernel.

A room moving from one page to the next would otherwise hold two kernels per person until the
idle cull (ten minutes).  Store-level rules first, then a real server.
"""

import asyncio
import threading
from urllib.parse import urlparse

import psutil
import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from tests.helpers import Visitor, open_page, start_voila, stop_voila, wait_until

SWEEP = 1.0  # seconds between the quick server's sweeps (5 by default)


def test_a_page_is_left_once_its_participant_opens_another(workshop, store):
    sam, _ = store.add_participant(workshop.workshop_id, "sam")
    kim, _ = store.add_participant(workshop.workshop_id, "kim")
    store.open_page(sam, "k-first")
    store.open_page(kim, "k-kim")
    assert store.pages_left(workshop.workshop_id, grace=0) == []
    store.open_page(sam, "k-second")
    assert store.pages_left(workshop.workshop_id, grace=0) == ["k-first"]
    assert store.pages_left(workshop.workshop_id, grace=3600) == []  # too recent: may still be loading
    store.close_pages(["k-first"])
    assert sorted(store.page_kernel_ids(workshop.workshop_id)) == ["k-kim", "k-second"]


def test_withdrawing_forgets_the_pages_too(workshop, store):
    sam, _ = store.add_participant(workshop.workshop_id, "sam")
    store.open_page(sam, "k-1")
    store.delete_participant(sam)
    assert store.page_kernel_ids(workshop.workshop_id) == []


def kernel_alive(server: psutil.Process, kernel_id: str) -> bool:
    for process in server.children(recursive=True):
        try:
            if process.status() != psutil.STATUS_ZOMBIE and f"kernel-{kernel_id}.json" in " ".join(process.cmdline()):
                return True
        except psutil.Error:  # ended while we looked
            pass
    return False


@pytest.fixture
def quick_server(prepared):
    process, url = start_voila(prepared, args=("--page-grace", "0", "--sweep-every", str(SWEEP)))
    try:
        yield url, psutil.Process(process.pid)
    finally:
        stop_voila(process)


@pytest.mark.server
def test_moving_on_gives_back_the_kernel_but_an_open_page_keeps_its_own(quick_server, voila_server):
    # voila_server: a second server on the same store, sweeping too, must leave these pages alone.
    url, server = quick_server
    mover = Visitor(url)
    mover.post("", pseudonym="page-mover")
    left = open_page(mover, "orientation")
    assert kernel_alive(server, left)
    open_page(mover, "power")
    assert wait_until(lambda: not kernel_alive(server, left)), "the kernel of the page left was kept"

    # A second device: the first page is still connected, so its kernel stays.
    both = Visitor(url)
    both.post("", pseudonym="page-on-two-devices")
    first = open_page(both, "orientation")

    async def hold_first_page_then_close():
        cookie = "; ".join(f"{c.name}={c.value}" for c in both.jar)  # only the page's owner may connect
        socket = await websocket_connect(HTTPRequest(f"ws://{urlparse(url).netloc}/api/kernels/{first}/channels",
                                                     headers={"Cookie": cookie}))
        await asyncio.get_running_loop().run_in_executor(None, open_page, both, "power")
        await asyncio.sleep(6)  # six sweeps of this server, and one of voila_server's (every 5 s)
        still = kernel_alive(server, first)
        socket.close()
        return still

    # In a thread of its own: the browser tests' Playwright may hold this thread's event loop.
    still = []
    holder = threading.Thread(target=lambda: still.append(asyncio.run(hold_first_page_then_close())))
    holder.start()
    holder.join(timeout=120)
    assert still == [True], "a page still open lost its kernel"
    assert wait_until(lambda: not kernel_alive(server, first)), "closed at last, its kernel was kept"
