"""Time until a module is interactive in a real browser, against plain Voilà with as many widgets.

One participant opens the `power` page in Chromium; the clock runs from the navigation until the
page's last control (Submit, enabled once the page knows who is answering) is on screen.  Plain
Voilà serves a notebook built with the same number and kinds of widgets, ending in a button.
Both are measured cold (a kernel started for the request) and preheated (a pooled kernel).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import psutil

from common import ROOT, free_port, start, stop, wait_in_log, wait_until_quiet

PAGE = "power"
RUNS = 5
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                "--no-first-run", "--disable-component-update", "--disable-sync"]


def widget_census(module_id: str = PAGE) -> Counter:
    """The kinds of DOM widgets a module page shows, counted by running it in preview."""
    import ipywidgets as w

    notebook = json.loads((ROOT / "modules" / f"{module_id}.ipynb").read_text())
    before = set(w.Widget._active_widgets)
    exec("\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"), {})
    made = [x for key, x in w.Widget._active_widgets.items() if key not in before]
    return Counter(type(x).__name__ if type(x).__module__.startswith("ipywidgets") else "VBox"
                   for x in made if isinstance(x, w.DOMWidget))


def same_widgets_notebook(census: Counter, folder: Path) -> Path:
    """A plain notebook with the census's widgets in one column, its last one a Button "Last"."""
    import nbformat

    folder.mkdir(exist_ok=True)
    census = census.copy()
    census["Button"] -= 1
    content = {"HTML": "value='<p>' + 'A paragraph of module text. ' * 8 + '</p>'",
               "RadioButtons": "options=['one', 'two', 'three']", "Dropdown": "options=['a', 'b', 'c', 'd']",
               "Textarea": "description='Answer'", "IntSlider": "description='Role', max=10"}
    make = "\n".join(f"coproduction_kit.widgets += [w.{kind}({content.get(kind, '')}) for _ in range({count})]"
                     for kind, count in census.items() if count > 0)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        f"import ipywidgets as w\nwidgets = []\n{make}\nw.VBox(widgets + [w.Button(description='Last')])")]
    nbformat.write(nb, folder / "same.ipynb")
    return folder / "same.ipynb"


def time_to_interactive(browser, url: str, ready: str, cookie: tuple[str, str] | None, pause: float) -> list[float]:
    context = browser.new_context(viewport={"width": 412, "height": 915})
    if cookie:
        context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": url}])
    page = context.new_page()
    page.set_default_timeout(120_000)
    times = []
    for run in range(RUNS + 1):  # the first load fills the browser's cache and is not counted
        time.sleep(pause)
        began = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator(ready).wait_for(state="visible")
        if run:
            times.append(time.perf_counter() - began)
    context.close()
    return times


def interactive(workshop, store, tmp: Path) -> dict:
    from playwright.sync_api import sync_playwright

    census = widget_census()
    plain_notebook = same_widgets_notebook(census, tmp / "same")
    _, token = store.add_participant(workshop.workshop_id, "interactive")
    cookie = ("workshop_participant", token)
    ours_ready = 'button:has-text("Submit my shared answers"):not([disabled])'
    plain_ready = 'button:has-text("Last")'
    results = {}
    env = {"WORKSHOP_ID": workshop.workshop_id, "WORKSHOP_DATA_DIR": workshop.data_dir}
    import os

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=BROWSER_ARGS)
        try:
            for label, pool in (("cold", 0), ("preheated", 3)):
                port = free_port()
                log = tmp / f"tti-{label}.log"
                args = ["--room", str(pool), "--pages", PAGE, "--reserve", str(pool)] if pool else ["--room", "0"]
                ours = start([sys.executable, "-m", "coproduction_kit.server.app", "--port", str(port),
                              "--data-dir", workshop.data_dir, *args], log, f"http://127.0.0.1:{port}/",
                             dict(os.environ, **env))
                try:
                    if pool:
                        wait_in_log(log, rf"Kernel pool of {PAGE}\.ipynb is filled with {pool}", seconds=300)
                        wait_until_quiet(psutil.Process(ours.pid))
                    results[("kit", label)] = time_to_interactive(
                        browser, f"http://127.0.0.1:{port}/voila/render/{PAGE}.ipynb", ours_ready, cookie,
                        pause=12 if pool else 2)
                finally:
                    stop(ours)
                port = free_port()
                log = tmp / f"tti-plain-{label}.log"
                extra = ["--preheat_kernel=True", f"--pool_size={pool}"] if pool else []
                plain = start([sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
                               "--KernelManager.transport=ipc", *extra, str(plain_notebook)], log,
                              f"http://127.0.0.1:{port}/")
                try:
                    if pool:
                        wait_in_log(log, rf"filled with {pool} kernel", seconds=300)
                        wait_until_quiet(psutil.Process(plain.pid))
                    results[("plain", label)] = time_to_interactive(
                        browser, f"http://127.0.0.1:{port}/", plain_ready, None, pause=12 if pool else 2)
                finally:
                    stop(plain)
        finally:
            browser.close()
    medians = {key: statistics.median(times) for key, times in results.items()}
    return {"census": census, "medians": medians}
