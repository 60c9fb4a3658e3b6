"""A phone whose network drops mid-answer, in Chromium: the page says so, and once the network is
back it says that too, and the words typed meanwhile are saved.

Between the browser and the workshop's Voilà server runs a TCP "cable" the test can pull out and
plug back, as when a phone leaves the seminar room's Wi-Fi for a moment: pulled, it cuts every
connection through it and holds new ones unanswered; plugged back, it carries them on.
"""

from __future__ import annotations

import asyncio
import re
import threading
from urllib.parse import urlparse

import pytest

from tests.helpers import choose_pseudonym, free_port, serious_violations, wait_until, wait_until_drawn
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.store import Store

pytestmark = pytest.mark.browser
TIMEOUT = 90_000  # ms: a page starts a kernel on a 2-core machine
BANNER = ("The connection to the workshop server was interrupted. Everything saved so far is safe. "
          "If this message stays, reload the page.")


class Cable:
    """A TCP relay on loopback to ``target`` (host, port) that can be pulled out and plugged back."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port, self._ends = target, free_port(), set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._plugged = asyncio.Event()  # bound to the loop that first waits on it: the cable's
        self._plugged.set()
        self._server = self._call(asyncio.start_server(self._relay, "127.0.0.1", self.port))

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _relay(self, reader, writer):
        await self._plugged.wait()  # as a packet sent into a dead network waits to be sent again
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        ends = {writer, up_writer}
        self._ends |= ends
        try:
            await asyncio.gather(self._copy(reader, up_writer), self._copy(up_reader, writer))
        finally:
            self._ends -= ends

    @staticmethod
    async def _copy(source, sink):
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.transport.abort()

    async def _set(self, plugged: bool) -> None:
        if plugged:
            self._plugged.set()
            return
        self._plugged.clear()
        for end in list(self._ends):
            end.transport.abort()

    def pull(self) -> None:
        """Cut every connection through the cable; hold new ones until it is plugged back."""
        self._call(self._set(False))

    def plug(self) -> None:
        self._call(self._set(True))

    def close(self) -> None:
        async def unplug_all():
            self._server.close()
            await self._set(False)
            self._plugged.set()  # held connections go on, and end with the server's
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            if tasks:
                await asyncio.wait(tasks, timeout=5)

        self._call(unplug_all())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@pytest.fixture
def cable(voila_server):
    server = urlparse(voila_server)
    cable = Cable((server.hostname, server.port))
    yield cable
    cable.close()


def test_words_typed_while_the_network_is_down_are_saved_once_it_is_back_and_the_page_says_so(chromium, cable, prepared):
    context = chromium.new_context(viewport={"width": 412, "height": 915}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        choose_pseudonym(page, f"http://127.0.0.1:{cable.port}/", "wifi-walker")
        title = load_curriculum(prepared.curriculum_dir).module("payment")["title"]
        page.get_by_role("link", name=title).click()
        wait_until_drawn(page)
        exercise = page.locator(".workshop-exercise").first
        box = exercise.locator("textarea")
        box.press_sequentially("Before the drop.", delay=10)
        exercise.get_by_text(re.compile(r"Saved at \d\d:\d\d:\d\d")).wait_for()
        banner = page.get_by_role("alert").filter(has_text="connection to the workshop server")
        assert banner.count() == 0 and page.locator("#workshop-connection").count() == 0

        cable.pull()
        banner.wait_for()
        assert banner.inner_text() == BANNER
        assert serious_violations(page) == []  # its contrast, its role
        box.press_sequentially(" Typed with no network.", delay=10)
        page.wait_for_timeout(1500)  # past the typing pause after which a connected page saves
        store = Store(prepared.store_url)
        try:
            person = store.participant_by_pseudonym(prepared.workshop_id, "wifi-walker")
            saved = lambda: [a.value for a in store.answers_for(person)]  # noqa: E731
            assert saved() == ["Before the drop."] and banner.is_visible()  # the words wait in the page
            # ... in its memory only: nothing of them is written to the phone (storage, databases, cookies).
            kept = page.evaluate("""async () => JSON.stringify([localStorage.length, sessionStorage.length,
                                      (await indexedDB.databases()).length, document.cookie])""")
            assert "Typed with no network" not in kept and kept.startswith("[0,0,0,")
            assert not any("Typed with no network" in c["value"] for c in context.cookies())

            cable.plug()
            banner.wait_for(state="hidden", timeout=60_000)  # the page reconnects by itself, and says so
            back = page.get_by_role("status").filter(has_text="Connected again")
            assert back.inner_text() == "Connected again: what you type is saved as before."
            assert wait_until(lambda: saved() == ["Before the drop. Typed with no network."], 30), saved()
            back.wait_for(state="hidden", timeout=10_000)  # and then leaves the screen to the page
        finally:
            store.close()
    finally:
        context.close()
