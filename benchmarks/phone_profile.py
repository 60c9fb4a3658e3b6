"""Where a phone's time goes when a module page opens: the main thread's work at 4× CPU, by phase.

    .venv/bin/python benchmarks/phone_profile.py [MODULE ...]     # payment by default; about 2 minutes

Each page is opened as in ``phone.py`` (a participant who joined, a phone's screen, 4× CPU, an empty
cache; the server's pool has run the page and is quiet), twice: the first visit warms the server, the
second is profiled with DevTools' sampling profiler. The page's own clock marks three moments: the front
end's script started (the light front end's mark, or Voilà's ``voila.js`` requested with ``--front voila``),
the kernel's WebSocket opened, and the page's last control enabled. Between them, the busy time of the main thread (samples that are not idle) and the scripts
that took most of it. Plain Voilà's one-textarea page, measured the same way, shows what Voilà's
front end costs by itself: the module page's first two phases are that cost, whatever the page shows.
"""

from __future__ import annotations

import collections
import sys
import tempfile
from pathlib import Path

from interactive import BROWSER_ARGS
from page_weight import ready_for
from phone import phone_page
from room import module_page, plain_page

PHASES = ("before the front end's script", "the front end, until the kernel's socket", "widgets, until interactive")
MARKS = """
window.__marks = {};
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  if (!window.__marks.socket) window.__marks.socket = performance.now();
  return new Native(...args);
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, Native);
"""


def profile(browser, url: str, cookie: str | None, ready: str) -> tuple[list[float], list[float], list[list[tuple[str, float]]]]:
    """(moments in s, busy seconds per phase, top scripts per phase) for one visit at 4× CPU. The second
    phase starts when Voilà's voila.js is requested or, on a page whose loader marks
    ``workshop-front-start`` (the light front end: its script is preloaded from the head, so its request
    says nothing), at that mark."""
    context, page, cdp = phone_page(browser, url, cookie)
    page.add_init_script(MARKS)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 500})
    cdp.send("Profiler.start")
    page.goto(url, wait_until="commit")
    page.locator(ready).wait_for(state="visible", timeout=180_000)
    end = page.evaluate("performance.now()")
    found = cdp.send("Profiler.stop")["profile"]
    scripts = page.evaluate("performance.getEntriesByType('resource').filter(e => /voila\\.js$/.test(e.name))"
                            ".map(e => e.startTime)")
    scripts = [m["startTime"] for m in page.evaluate("performance.getEntriesByName('workshop-front-start')"
                                                     ".map(m => m.toJSON())")] or scripts
    socket = page.evaluate("window.__marks.socket || 0")
    context.close()
    moments = [min(scripts) if scripts else 0.0, socket, end]
    # The profile's clock is not the page's: a sample is placed by its time since the main thread's first
    # work on the page (the first sample that is not idle), which is within a few tens of ms of navigation.
    nodes = {node["id"]: node for node in found["nodes"]}
    busy = [0.0, 0.0, 0.0]
    top = [collections.Counter(), collections.Counter(), collections.Counter()]
    clock = 0.0
    first = None
    for sample, delta in zip(found["samples"], found["timeDeltas"]):
        clock += delta / 1000  # ms since the profile started
        frame = nodes[sample]["callFrame"]
        name = frame["url"].rsplit("/", 1)[-1].split("?")[0] or frame["functionName"] or "(native)"
        if name == "(idle)" and first is None:
            continue
        first = first if first is not None else clock
        at = clock - first  # ms since the page's first work, about its navigation
        phase = 0 if at < moments[0] else 1 if at < moments[1] else 2
        if name != "(idle)":
            busy[phase] += delta / 1e6
            top[phase][name] += delta / 1e6
    return [m / 1000 for m in moments], busy, [c.most_common(4) for c in top]


def report(label: str, moments, busy, top) -> None:
    print(f"\n{label}: interactive after {moments[2]:.2f} s")
    start = 0.0
    for phase, until, seconds, scripts in zip(PHASES, moments, busy, top):
        names = ", ".join(f"{name} {s:.2f}" for name, s in scripts)
        print(f"  {phase:46} {start:5.2f}–{until:5.2f} s  busy {seconds:5.2f} s  ({names})")
        start = until


def main():
    from playwright.sync_api import sync_playwright

    modules = sys.argv[1:] or ["payment"]
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        tmp = Path(folder)
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=BROWSER_ARGS)
        with plain_page(tmp) as plain_url:
            profile(browser, plain_url, None, "textarea:not([disabled])")
            report("plain Voilà, one textarea", *profile(browser, plain_url, None, "textarea:not([disabled])"))
        for module in modules:
            with module_page(tmp, module, f"profile-{module}", "--room", "5") as (url, cookie):
                profile(browser, url, cookie, ready_for(module))
                report(f"`{module}`", *profile(browser, url, cookie, ready_for(module)))
        browser.close()


if __name__ == "__main__":
    main()
