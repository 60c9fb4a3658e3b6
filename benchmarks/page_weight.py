"""Bytes a phone moves to open each module page: a first visit, then a second from the browser's cache.

    .venv/bin/python benchmarks/page_weight.py            # a few minutes on 2 cores

The participants' server (the one `workshop serve` starts, `coproduction_kit.server.app`) runs on
a fresh data folder, kernels on demand.  Chromium emulates a phone (390×844, touch, mobile); a
participant joins on the start page, then each module page is opened twice in the same browser.
HTTP bytes are what went over the wire (Chromium's encodedDataLength: headers and bodies,
compressed when the server compressed them); the kernel's WebSocket frames (the widgets' state) are
counted as Chromium hands them to the page, before any permessage-deflate, which is noted when the
server agreed to it.  Figures, not a test; the goal (issue #17) is a first visit to a module of at most 1.5 MB.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from common import ROOT, free_port, start, stop
from interactive import BROWSER_ARGS

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 3}
READY = 'button:has-text("Submit my shared answers"):not([disabled])'
# A page without Submit (the follow-up: anonymous ratings only) is ready when its Send is enabled.
SEND_READY = 'button:has-text("Send anonymously"):not([disabled])'


def ready_for(module_id: str) -> str:
    """What shows that a module's page is live: its Submit (the page's last control) enabled, or on a
    page with no Submit, its Send anonymously."""
    return READY if 'submit(' in (ROOT / "modules" / f"{module_id}.ipynb").read_text(encoding="utf-8") else SEND_READY


class Meter:
    """Counts the bytes Chromium receives, through the DevTools protocol."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.reset()
        self.session.on("Network.loadingFinished", self._http)
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.requestServedFromCache", self._served_from_cache)
        self.session.on("Network.webSocketFrameReceived", self._frame)
        self.session.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        self.deflate = False

    def reset(self):
        self.http = self.socket = self.requests = self.from_cache = 0

    def _http(self, event):
        self.http += event.get("encodedDataLength", 0)
        self.requests += 1

    def _served_from_cache(self, event):
        self.from_cache += 1

    def _response(self, event):  # asked the server, which said the browser's copy is still good
        self.from_cache += event["response"].get("status") == 304

    def _handshake(self, event):
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        self.deflate = "permessage-deflate" in headers.get("sec-websocket-extensions", "")

    def _frame(self, event):
        self.socket += len(event["response"].get("payloadData", ""))


def module_ids() -> list[str]:
    return sorted(p.stem for p in (ROOT / "modules").glob("*.ipynb"))


def visit(page, meter: Meter, url: str) -> dict:
    meter.reset()
    page.goto(url)
    page.locator(ready_for(url.rsplit("/", 1)[-1].removesuffix(".ipynb"))).wait_for(state="visible")
    page.wait_for_timeout(1500)  # the last widgets draw and the page settles
    return {"http": meter.http, "socket": meter.socket, "requests": meter.requests, "cached": meter.from_cache,
            "deflate": meter.deflate}


def page_weight(workshop, tmp: Path, modules: list[str] | None = None) -> dict[str, tuple[dict, dict]]:
    """{module: (first visit, second visit)}, each {http, socket, requests, cached}."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = dict(os.environ, WORKSHOP_ID=workshop.workshop_id, WORKSHOP_DATA_DIR=workshop.data_dir)
    server = start([sys.executable, "-m", "coproduction_kit.server.app", "--port", str(port),
                    "--data-dir", workshop.data_dir, "--room", "0"], tmp / "weight.log", base, env)
    results = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=BROWSER_ARGS)
            try:
                for module in modules or module_ids():
                    # A new context per module: an empty cache, as for someone opening it the first time.
                    context = browser.new_context(**PHONE)
                    page = context.new_page()
                    page.set_default_timeout(180_000)
                    page.goto(base)
                    page.get_by_label("Pseudonym").fill(f"weight-{module}")
                    page.get_by_role("button", name="Continue").click()
                    page.get_by_text("You are taking part as").wait_for()
                    meter = Meter(page)
                    url = f"{base}voila/render/{module}.ipynb"
                    first = visit(page, meter, url)
                    page.goto("about:blank")  # leave the page, so its kernel goes back
                    second = visit(page, meter, url)
                    results[module] = (first, second)
                    context.close()
            finally:
                browser.close()
    finally:
        stop(server)
    return results


def table(results: dict[str, tuple[dict, dict]]) -> str:
    def mb(n):
        return f"{n / 1e6:.2f} MB"

    rows = ["| module | first visit: HTTP | its widgets (WebSocket, before compression) | second visit: HTTP "
            "| requests answered by the cache (or 304) |", "| --- | ---: | ---: | ---: | ---: |"]
    for module, (first, second) in results.items():
        deflate = ", compressed" if first["deflate"] else ""
        rows.append(f"| `{module}` | {mb(first['http'])} ({first['requests']} requests) | {mb(first['socket'])}{deflate} "
                    f"| {mb(second['http'])} | {second['cached']} of {second['requests']} |")
    return "\n".join(rows)


def main():
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.store import migrate

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        workshop = load_config(tmp / "data", workshop_id="weight")
        migrate(workshop.store_url)  # as `workshop serve` does before any page opens
        print(table(page_weight(workshop, tmp, sys.argv[1:] or None)))


if __name__ == "__main__":
    main()
