"""Voilà's front end against the light one (front/, issue #17): a module page interactive on a phone at 4× CPU.

    .venv/bin/python benchmarks/phone_front.py [MODULE ...]     # payment and power by default; about 5 minutes

In one run: plain Voilà's one-textarea page, then for each module the kit's server twice, once as it
with ``--front voila`` (Voilà's front end) and once with ``--front light`` (the light one, the default), each with
today's page waiting ready in its pool (``--pages``) and measured once its kernels have run the
page and the server is quiet. Each page as in ``phone.py``: a participant who joined, a phone's
screen, 4× CPU, an empty cache; the clock runs from the navigation until the page's last control is
enabled. One visit first warms the server (not counted), then ``BENCH_PHONE_RUNS`` visits (3 by
default) are timed, then one more is profiled as in ``phone_profile.py`` (main-thread busy time by
phase). Every timed visit also counts the bytes it received over HTTP (compressed, as sent).

The machine's load average is checked before each page: above ``BENCH_MAX_LOAD`` (1.5) the script
waits a minute and looks again (at most ``BENCH_LOAD_WAITS`` times, 10 by default), and every row
says the load it was measured at.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from interactive import BROWSER_ARGS
from page_weight import Meter, ready_for
from phone import phone_page
from phone_profile import profile
from room import module_page, plain_page

RUNS = int(os.environ.get("BENCH_PHONE_RUNS", "3"))
MAX_LOAD = float(os.environ.get("BENCH_MAX_LOAD", "1.5"))
LOAD_WAITS = int(os.environ.get("BENCH_LOAD_WAITS", "10"))
FRONTS = {"Voilà's front end": "voila", "light front end": "light"}


def quiet_machine() -> float:
    """The 1-minute load average once it is at most MAX_LOAD (or after LOAD_WAITS minutes of waiting)."""
    for _ in range(LOAD_WAITS):
        load = os.getloadavg()[0]
        if load <= MAX_LOAD:
            return load
        print(f"  load average {load:.2f} > {MAX_LOAD}: waiting a minute", file=sys.stderr, flush=True)
        time.sleep(60)
    return os.getloadavg()[0]


def timed_visit(browser, url: str, cookie: str | None, ready: str) -> tuple[float, int, int]:
    """(seconds until ``ready`` is enabled, HTTP bytes received, requests) for a first visit at 4× CPU."""
    context, page, _ = phone_page(browser, url, cookie)
    meter = Meter(page)
    page.goto(url, wait_until="commit")
    page.locator(ready).wait_for(state="visible", timeout=180_000)
    seconds = page.evaluate("performance.now()") / 1000
    page.wait_for_timeout(500)  # the last responses finish
    context.close()
    return seconds, meter.http, meter.requests


def measure(label: str, browser, url: str, cookie: str | None, ready: str) -> dict:
    load = quiet_machine()
    timed_visit(browser, url, cookie, ready)  # warms the server; not counted
    runs = [timed_visit(browser, url, cookie, ready) for _ in range(RUNS)]
    moments, busy, _ = profile(browser, url, cookie, ready)
    row = {"what": label, "load": load, "load_after": os.getloadavg()[0], "runs": [r[0] for r in runs],
           "interactive": statistics.median(r[0] for r in runs), "bytes": statistics.median(r[1] for r in runs),
           "requests": statistics.median(r[2] for r in runs), "moments": moments, "busy": busy}
    print(f"{label}: " + ", ".join(f"{s:.2f}" for s in row["runs"]) + f" s (load {load:.2f} → {row['load_after']:.2f}); "
          f"{row['bytes'] / 1e6:.2f} MB in {row['requests']:.0f} requests; profiled: interactive {moments[2]:.2f} s, "
          f"busy {busy[0]:.2f} s until the front end's script, {busy[1]:.2f} s until the kernel's socket "
          f"({moments[1]:.2f} s), {busy[2]:.2f} s until interactive", flush=True)
    return row


def table(rows: list[dict]) -> str:
    lines = [f"| page | front end | interactive at 4× CPU (median of {RUNS}) | each run | load average (before → after) "
             "| first visit, HTTP | profiled visit: busy until the front end's script / until the kernel's socket / "
             "until interactive |",
             "| --- | --- | ---: | --- | --- | ---: | --- |"]
    for r in rows:
        page, _, front = r["what"].partition(", ")
        busy = " / ".join(f"{b:.2f} s" for b in r["busy"])
        lines.append(f"| {page} | {front or 'Voilà'} | {r['interactive']:.2f} s | "
                     f"{', '.join(f'{s:.2f}' for s in r['runs'])} | {r['load']:.2f} → {r['load_after']:.2f} | "
                     f"{r['bytes'] / 1e6:.2f} MB ({r['requests']:.0f} requests) | {busy} (socket at {r['moments'][1]:.2f} s) |")
    return "\n".join(lines)


def main():
    from playwright.sync_api import sync_playwright

    modules = sys.argv[1:] or ["payment", "power"]
    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        tmp = Path(folder)
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=BROWSER_ARGS)
        with plain_page(tmp) as plain_url:
            rows.append(measure("plain Voilà (one textarea), Voilà's front end", browser, plain_url, None, "textarea:not([disabled])"))
        for module in modules:
            for front, setting in FRONTS.items():
                with module_page(tmp, module, f"front-{module}-{setting}", "--room", str(RUNS + 4),
                                 "--front", setting) as (url, cookie):
                    rows.append(measure(f"`{module}`, {front}", browser, url, cookie, ready_for(module)))
        browser.close()
    print(table(rows))


if __name__ == "__main__":
    main()
