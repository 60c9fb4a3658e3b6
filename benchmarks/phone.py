"""A module page on a phone: time to interactive at 4× CPU, and Lighthouse's mobile audit, beside plain Voilà.

    .venv/bin/python benchmarks/phone.py [MODULE ...]     # about 15 minutes on 2 cores for all six

Chromium emulates a phone (390×844, touch) with its CPU slowed 4× (DevTools' CPU throttling, as
Lighthouse's mobile audit does).  Each module page is opened by a participant who joined on the
start page, the way a workshop runs it: the page waits ready (the server's pool for today's page,
``--pages``, measured once its kernels have run the page and the server is quiet), and the browser's
cache is empty.  The clock runs from the navigation until the page's last control (Submit, or on the
follow-up page Send anonymously) is enabled; the largest contentful paint is the browser's own
(PerformanceObserver).  Plain Voilà serves a notebook of one textarea, a kernel started per visit
(its default), and is measured the same way until the textarea is enabled.

Lighthouse 12.2.3 (npm, installed beside this script on first use: ``npm ci`` in
``benchmarks/lighthouse``; it drives Debian's Chromium, nothing is downloaded) audits each page with
its default mobile settings (simulated slow 4G, 4× CPU), the participant's cookie sent as a header.
Figures, not a test; the goals are issue #17's: interactive in under 3 s and no slower than plain
Voilà, a largest contentful paint of at most 4 s, a Lighthouse performance score of at least 60.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from interactive import BROWSER_ARGS
from page_weight import PHONE, module_ids, ready_for
from room import module_page, plain_page

LIGHTHOUSE = Path(__file__).parent / "lighthouse"
RUNS = int(os.environ.get("BENCH_PHONE_RUNS", "3"))
LCP = """() => new Promise(done => new PerformanceObserver(list => {
    const entries = list.getEntries(); done(entries[entries.length - 1].startTime);
}).observe({type: 'largest-contentful-paint', buffered: true}))"""


def phone_page(browser, url: str, cookie: str | None):
    """(context, page, DevTools session) of a phone with an empty cache, the participant's cookie, 4× CPU."""
    context = browser.new_context(**PHONE)
    if cookie:
        context.add_cookies([{"name": "workshop_participant", "value": cookie, "url": url.split("/voila/")[0] + "/"}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return context, page, cdp


def interactive(browser, url: str, cookie: str | None, ready: str) -> tuple[float, float]:
    """(seconds until ``ready`` is enabled, largest contentful paint in seconds), a fresh cache, 4× CPU."""
    context, page, _ = phone_page(browser, url, cookie)
    page.set_default_timeout(180_000)
    said = []  # the page's console and its sockets, printed if it never becomes interactive
    page.on("console", lambda m: said.append(f"{time.strftime('%H:%M:%S')} {m.type}: {m.text[:300]}"))
    page.on("websocket", lambda ws: said.append(f"{time.strftime('%H:%M:%S')} websocket {ws.url}"))
    page.goto(url, wait_until="commit")
    try:
        page.locator(ready).wait_for(state="visible")
    except Exception:
        print(f"{url} was not interactive within 180 s; its console:", *said, "its text:",
              page.evaluate("document.body.innerText.slice(0, 2000)"), sep="\n", file=sys.stderr)
        raise
    seconds = page.evaluate("performance.now()") / 1000
    lcp = page.evaluate(LCP) / 1000
    context.close()
    return seconds, lcp


def lighthouse(url: str, cookie: str | None, out: Path) -> dict:
    """Lighthouse's mobile performance and accessibility scores and its main timings for one page."""
    if not (LIGHTHOUSE / "node_modules" / ".bin" / "lighthouse").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE, check=True)
    command = [str(LIGHTHOUSE / "node_modules" / ".bin" / "lighthouse"), url, "--quiet", "--output=json",
               f"--output-path={out}", "--only-categories=performance,accessibility",
               "--max-wait-for-load=120000", "--disable-full-page-screenshot",
               "--chrome-flags=--headless=new " + " ".join(BROWSER_ARGS)]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": f"workshop_participant={cookie}"}))
    # Lighthouse exits 1 when a side audit timed out on a busy machine (e.g. reading a response body for
    # "enable text compression") and still writes its report; the scores are taken when it has them.
    subprocess.run(command, env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    report = json.loads(out.read_text())
    audits = report["audits"]
    if report["categories"]["performance"]["score"] is None:
        raise RuntimeError(f"Lighthouse could not score {url}: {report.get('runtimeError')}")
    return {"performance": round(100 * report["categories"]["performance"]["score"]),
            "accessibility": round(100 * report["categories"]["accessibility"]["score"]),
            "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "tbt": audits["total-blocking-time"]["numericValue"] / 1000,
            "tti": audits["interactive"]["numericValue"] / 1000}


def measure(label: str, url: str, cookie: str | None, ready: str, browser, tmp: Path) -> dict:
    runs = [interactive(browser, url, cookie, ready) for _ in range(RUNS)]
    figures = {"what": label, "interactive": statistics.median(r[0] for r in runs),
               "browser_lcp": statistics.median(r[1] for r in runs)}
    figures.update(lighthouse(url, cookie, tmp / f"{label.replace(' ', '-').replace('`', '')}.json"))
    return figures


def table(rows: list[dict]) -> str:
    lines = [f"| page | interactive at 4× CPU (median of {RUNS}) | largest contentful paint (browser) "
             "| Lighthouse performance | its LCP | its total blocking time | its time to interactive "
             "| Lighthouse accessibility |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['what']} | {r['interactive']:.2f} s | {r['browser_lcp']:.2f} s | {r['performance']} "
                     f"| {r['lcp']:.1f} s | {r['tbt']:.2f} s | {r['tti']:.1f} s | {r['accessibility']} |")
    return "\n".join(lines)


def main():
    from playwright.sync_api import sync_playwright

    modules = sys.argv[1:] or module_ids()
    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        tmp = Path(folder)
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=BROWSER_ARGS)
        with plain_page(tmp) as plain_url:
            rows.append(measure("plain Voilà, one textarea", plain_url, None,
                                "textarea:not([disabled])", browser, tmp))
        for module in modules:
            # Today's page waits ready for a room, as in a session (`workshop serve --session N`).
            with module_page(tmp, module, f"phone-{module}", "--room", str(RUNS + 3)) as (url, cookie):
                rows.append(measure(f"`{module}`", url, cookie, ready_for(module), browser, tmp))
        browser.close()
    print(table(rows))


if __name__ == "__main__":
    main()
