"""A room moving together, measured at the server: 30 requests for a page at the same moment.

``sensed_room`` is plain ``workshop serve`` (no session named): 30 distinct participants join
through the start page over about a minute, all open the series' first module a minute later and
the second a minute after that; plain Voilà serves a one-textarea notebook on the same schedule.

Each request carries its own participant's cookie, as the room's browsers would.  The workshop
server runs the half-day (four modules, so four switches) with pools that follow the room, then
with every kernel started on demand; plain Voilà serves a one-textarea notebook the same way,
cold and with a pool of 30.  Memory is sampled through every switch, as RSS summed over the
server and its kernels (shared pages counted once per process) and as PSS (counted once).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import statistics
import urllib.parse
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

from common import (ROOM_SIZE, free_port, kernel_memory_mb, percentile, start, stop, tree_memory, wait_in_log,
                    wait_until_quiet)

DEADLINE = 150  # seconds for one burst
JOIN_SECONDS = float(os.environ.get("BENCH_JOIN_SECONDS", "60"))  # the room arrives over this long
GAP = float(os.environ.get("BENCH_GAP", "60"))  # between the last join and a switch, and between switches
HALF_DAY = ["power", "payment", "epistemic-injustice", "authorship"]


class MemoryWatch:
    """Samples a server's memory in the background; ``peak`` holds the highest seen."""

    def __init__(self, server: psutil.Process):
        self.server, self.peak = server, {"rss": 0, "pss": 0, "kernels": 0}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._done.is_set():
            rss, pss, kernels = tree_memory(self.server)
            self.peak = {"rss": max(self.peak["rss"], rss), "pss": max(self.peak["pss"], pss),
                         "kernels": max(self.peak["kernels"], kernels)}
            time.sleep(0.5)

    def stop(self) -> dict:
        self._done.set()
        self._thread.join()
        return {k: (v / 2**20 if k != "kernels" else v) for k, v in self.peak.items()}


def burst(url: str, cookies: list[str | None]) -> dict:
    """One request per cookie, all at the same moment: latency and failures."""
    start_line = threading.Barrier(len(cookies))

    def one(cookie):
        request = urllib.request.Request(url, headers={"Cookie": f"workshop_participant={cookie}"} if cookie else {})
        start_line.wait()
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=DEADLINE) as response:
                body = response.read()
                ok = response.status == 200 and b"There was an error when executing cell" not in body
        except Exception:
            ok = False
        return time.perf_counter() - began, ok

    results: list = []
    # Daemon threads and an overall deadline: a frozen server cannot hold the benchmark.
    workers = [threading.Thread(target=lambda c=c: results.append(one(c)), daemon=True) for c in cookies]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + DEADLINE + 5
    for worker in workers:
        worker.join(timeout=max(0.0, deadline - time.monotonic()))
    results += [(DEADLINE, False)] * (len(cookies) - len(results))  # still waiting: failed
    times = [t for t, ok in results if ok]
    return {"median": statistics.median(times) if times else float("nan"),
            "p95": percentile(times, 0.95) if times else float("nan"),
            "failures": sum(1 for _, ok in results if not ok)}


def _row(what: str, r: dict, memory: str = "") -> str:
    return f"| {what} | {r['median']:.2f} s | {r['p95']:.2f} s | {r['failures']} | {memory} |"


def _memory(peak: dict) -> str:
    return f"{peak['rss'] / 1024:.1f} GB RSS, {peak['pss'] / 1024:.1f} GB PSS, {peak['kernels']} kernels"


def workshop_server(workshop, log: Path, *args: str):
    port = free_port()
    env = dict(os.environ, WORKSHOP_ID=workshop.workshop_id, WORKSHOP_DATA_DIR=workshop.data_dir)
    process = start([sys.executable, "-m", "coproduction_kit.server.app", "--port", str(port), "--data-dir",
                     workshop.data_dir, *args], log, f"http://127.0.0.1:{port}/", env)
    return process, f"http://127.0.0.1:{port}/"


def room_cookies(store, workshop_id: str, label: str) -> list[str]:
    return [store.add_participant(workshop_id, f"{label}-{n}")[1] for n in range(ROOM_SIZE)]


def pooled_half_day(workshop, store, tmp: Path) -> tuple[list[str], dict]:
    """The half-day with pools following the room: four switches."""
    log = tmp / "pooled.log"
    process, base = workshop_server(workshop, log, "--room", str(ROOM_SIZE), "--pages", ",".join(HALF_DAY))
    server = psutil.Process(process.pid)
    cookies = room_cookies(store, workshop.workshop_id, "pooled")
    results = []
    try:
        wait_in_log(log, rf"Kernel pool of {HALF_DAY[0]}\.ipynb is filled with {ROOM_SIZE}", seconds=300)
        wait_until_quiet(server)
        watch = MemoryWatch(server)
        for index, page in enumerate(HALF_DAY):
            results.append(burst(f"{base}voila/render/{page}.ipynb", cookies))
            if index + 1 < len(HALF_DAY):  # the room works on this page while the next one fills
                wait_in_log(log, rf"Kernel pool of {HALF_DAY[index + 1]}\.ipynb is filled with {ROOM_SIZE}", seconds=300)
                wait_until_quiet(server)
        time.sleep(25)  # the last page's grace: the kernels of the page left go back
        peak = watch.stop()
        rss, pss, kernels = tree_memory(server)
        kernel_rss, kernel_pss = kernel_memory_mb(server)
    finally:
        stop(process)
    rows = [_row(f"kit, pools following the room: switch {n + 1}, 30 open `{page}`", r,
                 f"{_memory(peak)} (peak over the four switches)" if n + 1 == len(HALF_DAY) else "")
            for n, (page, r) in enumerate(zip(HALF_DAY, results))]
    return rows, {"after": (rss / 2**30, pss / 2**30, kernels), "kernel": (kernel_rss, kernel_pss)}


def cold_first_page(workshop, store, tmp: Path) -> str:
    log = tmp / "cold.log"
    process, base = workshop_server(workshop, log, "--room", "0")
    try:
        watch = MemoryWatch(psutil.Process(process.pid))
        r = burst(f"{base}voila/render/{HALF_DAY[0]}.ipynb", room_cookies(store, workshop.workshop_id, "cold"))
        return _row(f"kit, every kernel on demand: 30 open `{HALF_DAY[0]}`", r, _memory(watch.stop()))
    finally:
        stop(process)


def join(base: str, pseudonym: str) -> str:
    """One participant through the start page, as a browser: the form, then the pseudonym."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base, timeout=60).read()
    xsrf = next(c.value for c in jar if c.name == "_xsrf")
    data = urllib.parse.urlencode({"pseudonym": pseudonym, "_xsrf": xsrf}).encode()
    opener.open(base, data=data, timeout=60).read()
    return next(c.value for c in jar if c.name == "workshop_participant")


def sensed_room(workshop, tmp: Path) -> tuple[list[str], dict]:
    """Plain ``workshop serve`` (``--room 30``, nothing named): joins, then two switches."""
    from coproduction_kit.core.curriculum import load_curriculum

    first, second = list(load_curriculum(workshop.curriculum_dir).modules)[:2]
    log = tmp / "sensed.log"
    process, base = workshop_server(workshop, log, "--room", str(ROOM_SIZE))
    server = psutil.Process(process.pid)
    results = []
    try:
        wait_in_log(log, rf"Kernel pool of {first}\.ipynb is filled with", seconds=300)
        wait_until_quiet(server)
        watch = MemoryWatch(server)
        cookies = []
        for n in range(ROOM_SIZE):  # evenly over JOIN_SECONDS, each a new participant
            cookies.append(join(base, f"sensed-{n}"))
            time.sleep(JOIN_SECONDS / ROOM_SIZE)
        for page in (first, second):
            time.sleep(GAP)
            results.append(burst(f"{base}voila/render/{page}.ipynb", cookies))
        time.sleep(25)  # the page left is given back after the server's page grace
        peak = watch.stop()
        rss, pss, kernels = tree_memory(server)
    finally:
        stop(process)
    rows = [_row(f"kit, `workshop serve` with nothing named: switch {n + 1}, {ROOM_SIZE} open `{page}`", r,
                 f"{_memory(peak)} (peak)" if n == 1 else "")
            for n, (page, r) in enumerate(zip((first, second), results))]
    return rows, {"after": (rss / 2**30, pss / 2**30, kernels), "peak": peak}


def plain_two_switches(tmp: Path) -> list[str]:
    """Plain Voilà, a one-textarea notebook, every kernel on demand: two switches, GAP apart."""
    notebook = one_textarea(tmp / "plain-two")
    process, url = plain_voila(notebook, tmp / "plain-two.log")
    rows = []
    try:
        watch = MemoryWatch(psutil.Process(process.pid))
        for n in (1, 2):
            time.sleep(GAP if n == 2 else 0)
            r = burst(url, [None] * ROOM_SIZE)
            rows.append(_row(f"plain Voilà, one textarea, every kernel on demand: switch {n}", r,
                             f"{_memory(watch.stop())} (peak)" if n == 2 else ""))
    finally:
        stop(process)
    return rows


def one_textarea(folder: Path) -> Path:
    import nbformat

    folder.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets as w\nw.Textarea(description='Answer')")]
    nbformat.write(nb, folder / "one.ipynb")
    return folder / "one.ipynb"


def plain_voila(notebook: Path, log: Path, *args: str):
    port = free_port()
    # Plain Voilà on its defaults froze here under 30 requests (the TCP kernel-port race noted
    # in shared/FIELD-NOTES.md); the comparison uses its IPC transport, as the kit does.
    process = start([sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
                     "--KernelManager.transport=ipc", *args, str(notebook)], log, f"http://127.0.0.1:{port}/")
    return process, f"http://127.0.0.1:{port}/"


@contextlib.contextmanager
def plain_page(tmp: Path):
    """Plain Voilà serving one textarea, the baseline the phone benchmarks measure beside the kit:
    yields its URL."""
    process, url = plain_voila(one_textarea(tmp / "plain"), tmp / "plain.log")
    try:
        yield url
    finally:
        stop(process)


@contextlib.contextmanager
def module_page(tmp: Path, module: str, label: str, *args: str):
    """A module's page on a workshop server of its own (``label`` names its folder, workshop, log and
    participant; ``args`` go to the server), its pool filled and the server quiet, as when a room
    arrives minutes after a session starts: yields (the page's URL, a joined participant's cookie).
    If anything fails, the end of the server's log is printed."""
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.store import migrate

    workshop = load_config(tmp / label, workshop_id=label)
    migrate(workshop.store_url)
    log = tmp / f"{label}.log"
    server, base = workshop_server(workshop, log, "--pages", module, *args)
    try:
        wait_until_quiet(psutil.Process(server.pid))
        yield f"{base}voila/render/{module}.ipynb", join(base, label)
    except Exception:
        print("The server's log, its end:", *log.read_text().splitlines()[-60:], sep="\n", file=sys.stderr)
        raise
    finally:
        stop(server)


def plain_rounds(tmp: Path) -> tuple[list[str], float]:
    notebook = one_textarea(tmp / "plain")
    rows = []
    process, url = plain_voila(notebook, tmp / "plain-cold.log")
    try:
        watch = MemoryWatch(psutil.Process(process.pid))
        r = burst(url, [None] * ROOM_SIZE)
        rows.append(_row("plain Voilà, one textarea, every kernel on demand", r, _memory(watch.stop())))
        plain_kernel = kernel_memory_mb(psutil.Process(process.pid))
    finally:
        stop(process)
    log = tmp / "plain-pool.log"
    process, url = plain_voila(notebook, log, "--preheat_kernel=True", f"--pool_size={ROOM_SIZE}")
    try:
        wait_in_log(log, rf"filled with {ROOM_SIZE} kernel", seconds=300)
        wait_until_quiet(psutil.Process(process.pid))
        watch = MemoryWatch(psutil.Process(process.pid))
        r = burst(url, [None] * ROOM_SIZE)
        rows.append(_row(f"plain Voilà, one textarea, a pool of {ROOM_SIZE}", r, _memory(watch.stop())))
    finally:
        stop(process)
    return rows, plain_kernel


def room(workshop, store, tmp: Path) -> dict:
    sensed_rows, sensed = sensed_room(workshop, tmp)
    sensed_rows += plain_two_switches(tmp)
    pooled_rows, pooled = pooled_half_day(workshop, store, tmp)
    cold_row = cold_first_page(workshop, store, tmp)
    plain, plain_kernel = plain_rounds(tmp)
    return {"rows": [*pooled_rows, cold_row, *plain], "pooled": pooled, "plain_kernel": plain_kernel,
            "sensed_rows": sensed_rows, "sensed": sensed}
