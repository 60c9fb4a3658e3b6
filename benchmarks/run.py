"""Benchmarks for a full room, on this machine, written to BENCHMARKS.md with the command.

    .venv/bin/python benchmarks/run.py            # about half an hour on 2 cores
    BENCH_ROOM=8 BENCH_JOIN_SECONDS=10 BENCH_GAP=15 .venv/bin/python benchmarks/run.py --smoke
                                                  # a small try of the room with nothing named,
                                                  # printed only (BENCHMARKS.md is left alone)
    .venv/bin/python benchmarks/run.py --smoke --hall
                                                  # the same, then the lecture halls (100 with
                                                  # nothing named, 200 with a session), printed only

Figures, not tests: nothing here passes or fails.  Every server it starts listens on loopback
and every wait is bounded.  What it measures (the goals are issue #10's):

- a lecture hall: 100 joining through the start page of plain ``workshop serve``, then opening a
  page at once, and 200 opening a page at once with a session named, each beside plain Voilà
  (hall.py);
- plain ``workshop serve`` (no session named): 30 participants joining through the start page over
  about a minute, opening the series' first module together a minute later and the second a
  minute after that, against plain Voilà on the same schedule (room.py, ``sensed_room``);
- a room of 30 moving together through the half-day's four modules, with pools that follow the
  room, and the first page with every kernel started on demand; plain Voilà alongside (room.py);
- memory of a kernel of each module page (kernels.py);
- time until a module is interactive in a browser, against plain Voilà with as many widgets,
  cold and preheated (interactive.py);
- the bytes a phone moves to open each module, first and second visit (page_weight.py);
- memory per participant kernel, and what importing the kit adds to a kernel's start;
- autosave latency with 30 writer processes, collecting 30 × 6 into nbgrader against nbgrader's
  command line, and the report over 10,000 reflections (review.py; each also alone, several
  times: ``benchmarks/review.py first-saves|collect|report --runs 3``).
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psutil

from common import ROOM_SIZE, ROOT
from interactive import PAGE, interactive
from page_weight import page_weight, table
from review import autosave, collect_room, report_10k
from hall import HALL, NAMED_HALL, halls
from kernels import page_kernels
from room import plain_two_switches, room, sensed_room


def import_cost() -> tuple[float, float]:
    """Median seconds for a fresh Python to import ipywidgets alone, then with the kit."""
    def median_of(code):
        times = []
        for _ in range(5):
            began = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
            times.append(time.perf_counter() - began)
        return statistics.median(times)

    return median_of("import ipykernel.ipkernel, ipywidgets"), median_of("import ipykernel.ipkernel, ipywidgets, widgets")


def smoke() -> None:
    """The room with nothing named, small and printed only: does the benchmark work here?"""
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.store import migrate
    from coproduction_kit.nbgrader.course import prepare
    from coproduction_kit.core.curriculum import load_curriculum

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        workshop = load_config(tmp / "data", workshop_id="bench")
        prepare(workshop, load_curriculum(workshop.curriculum_dir), say=lambda _: None)
        migrate(workshop.store_url)
        rows, sensed = sensed_room(workshop, tmp)
        rows += plain_two_switches(tmp)
        hall_rows = halls(workshop, tmp) if "--hall" in sys.argv[1:] else []
    print("| what | median | p95 | failures | peak memory (server + kernels) |")
    print("| --- | ---: | ---: | ---: | --- |")
    print("\n".join(rows))
    rss, pss, kernels = sensed["after"]
    print(f"After: {rss:.2f} GB RSS, {pss:.2f} GB PSS, {kernels} kernels")
    if hall_rows:
        print("\n| what | median | p95 | failures | peak memory (server + kernels) |")
        print("| --- | ---: | ---: | ---: | --- |")
        print("\n".join(hall_rows))


def main():
    if "--smoke" in sys.argv[1:]:
        return smoke()
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.core.curriculum import load_curriculum
    from coproduction_kit.store import Store, migrate
    from coproduction_kit.nbgrader.course import prepare

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        workshop = load_config(tmp / "data", workshop_id="bench")
        prepare(workshop, load_curriculum(workshop.curriculum_dir), say=lambda _: None)
        migrate(workshop.store_url)  # as `workshop prepare` does
        store = Store(workshop.store_url)
        print("A room moving together (about ten minutes)...", flush=True)
        moving = room(workshop, store, tmp)
        per_page = page_kernels(workshop, store, tmp)
        print("Time to interactive in a browser...", flush=True)
        tti = interactive(workshop, store, tmp)
        print(f"A lecture hall ({HALL}, then {NAMED_HALL} with a session named)...", flush=True)
        hall_rows = halls(workshop, tmp)
        print("Page weight on a phone...", flush=True)
        weight = page_weight(workshop, tmp)
        print("Imports, autosave, collect, report...", flush=True)
        plain_import, kit_import = import_cost()
        burst_saves = autosave(tmp, (0.05, 0.25))
        typing_saves = autosave(tmp, (0.6, 2.0))
        collected = collect_room(tmp)
        report = report_10k(tmp)

    m = tti["medians"]
    after_rss, after_pss, after_kernels = moving["pooled"]["after"]
    kernel_rss, kernel_pss = moving["pooled"]["kernel"]
    census = ", ".join(f"{count} {kind}" for kind, count in tti["census"].most_common())
    saves = lambda r: (f"every save after the first: p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, "  # noqa: E731
                       f"max {r['max']:.0f} ms; the 30 first saves, released at the same instant: median "
                       f"{r['first_p50']:.0f} ms, slowest {r['first_max']:.0f} ms; revisions lost: {r['lost']}")
    text = "\n".join([
        "# Benchmarks",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, with "
        "`.venv/bin/python benchmarks/run.py`. Figures, not tests; rerun on your own machine. "
        "Goals are issue #10's.",
        "",
        f"## Plain `workshop serve`: a room of {ROOM_SIZE} joining, then two switches",
        "",
        f"`workshop serve` with no session named (`--room {ROOM_SIZE}`, its default): {ROOM_SIZE} distinct "
        "participants join through the start page over about a minute, all open the series' first module a "
        "minute later and the second a minute after that. The server learns the room from the start page "
        "(`coproduction_kit/server/room_sense.py`). Plain Voilà serves a one-textarea notebook on the same "
        "schedule, every kernel on demand. Goal (issue #18): none fail, p95 ≤ 2 s at every switch, at most "
        "3 GB PSS.",
        "",
        "| what | median | p95 | failures | peak memory (server + kernels) |",
        "| --- | ---: | ---: | ---: | --- |",
        *moving["sensed_rows"],
        "",
        f"## A room of {ROOM_SIZE} moving together (measured at the server)",
        "",
        f"{ROOM_SIZE} requests for a page at the same moment, each with its own participant's cookie. "
        "The half-day has four modules, so four switches; a series session is one page (check-in, "
        "module and debrief are on it), so its only switch is the first. Pools follow the room "
        "(`workshop serve --session 1 --format half-day`, see `coproduction_kit/server/pools.py`): today's first page is "
        "preheated for the room; when the room reaches a page, the next one fills, and kernels of pages "
        "left are shut down. Goal: no failures, p95 ≤ 2 s at every switch, the server under 4 GB.",
        "",
        "| what | median | p95 | failures | peak memory (server + kernels) |",
        "| --- | ---: | ---: | ---: | --- |",
        *moving["rows"],
        "",
        "RSS sums each process's resident memory, so pages shared between kernels (Python itself, "
        "libraries) count once per kernel; PSS shares them out and is closer to what the machine gives up. "
        f"After the last switch the pooled server held {after_rss:.1f} GB RSS, {after_pss:.1f} GB PSS "
        f"in {after_kernels} kernels.",
        "",
        f"## A lecture hall: {HALL} at once with nothing named, {NAMED_HALL} with a session",
        "",
        f"`workshop serve` on its defaults: {HALL} distinct participants join through the start page over "
        f"about a minute and, a minute later, all open the series' first module at the same moment; the "
        "room the server makes ready grows past `--room` with the joins, as far as the memory available "
        f"allows. Then `--room {NAMED_HALL} --pages power` (a session named): the page is ready before "
        f"anyone comes and {NAMED_HALL} open it at once. Plain Voilà serves a one-textarea notebook to as "
        "many at once, every kernel on demand. Goal (issue #18): none fail, p95 ≤ 3 s, at most 50 MB PSS "
        "a participant.",
        "",
        "| what | median | p95 | failures | peak memory (server + kernels) |",
        "| --- | ---: | ---: | ---: | --- |",
        *hall_rows,
        "",
        "## Time until a module is interactive, in Chromium",
        "",
        f"The `{PAGE}` page ({sum(tti['census'].values())} widgets: {census}) until its Submit button is "
        "on screen and enabled, against plain Voilà serving a notebook with the same widgets, ending in a "
        f"button; median of 5 loads after one that fills the browser's cache. Goal: ratio ≤ 1.2.",
        "",
        "| kernel | workshop kit | plain Voilà | ratio |",
        "| --- | ---: | ---: | ---: |",
        *[f"| {label} | {m[('kit', label)]:.2f} s | {m[('plain', label)]:.2f} s | "
          f"{m[('kit', label)] / m[('plain', label)]:.2f} |" for label in ("cold", "preheated")],
        "",
        "## Page weight on a phone",
        "",
        "Chromium emulating a phone (390×844, touch) opens each module twice (`benchmarks/page_weight.py`). "
        "HTTP bytes crossed the wire, compressed where the server compressed them; the WebSocket column is "
        "the widgets' state before permessage-deflate. Goal (issue #17): a first visit at most 1.5 MB.",
        "",
        table(weight),
        "",
        "## Kernels",
        "",
        f"- Memory per participant kernel (median, a module page built): {kernel_rss:.0f} MB RSS, "
        f"{kernel_pss:.0f} MB PSS; plain Voilà's one-textarea kernel {moving['plain_kernel'][0]:.0f} MB RSS. "
        "Goal ≤ 80 MB: no pandas in a participant's kernel (a test checks the imports).",
        "- A kernel of each module page, built and idle: " + "; ".join(
            f"`{m}` {r:.0f} MB RSS, {p:.0f} MB PSS, {c:.2f} s of CPU" for m, (r, p, c) in per_page.items()) + ".",
        f"- Importing the kit in a fresh Python: {kit_import:.2f} s with ipykernel and ipywidgets, against "
        f"{plain_import:.2f} s for those two alone (median of 5).",
        "",
        "## Store and review",
        "",
        f"- Autosave, {ROOM_SIZE} writer processes starting at the same instant, 40 saves each, "
        f"50–250 ms apart: {saves(burst_saves)}.",
        f"- Autosave, the same with 0.6–2 s between saves (a page saves after a 0.6 s pause in typing): "
        f"{saves(typing_saves)}. Goal: p99 ≤ 50 ms, the first saves' median ≤ 50 ms (issue #18), nothing lost.",
        f"- Collect {ROOM_SIZE} participants × {collected['modules']} modules (collect, then autograde "
        f"--no-execute): the kit, in one process, {collected['ours']:.1f} s; nbgrader's command line, "
        f"two commands per module, {collected['plain']:.1f} s. Goal (issue #18) ≤ 30 s.",
        f"- Report over {report['reflections']:,} reflections: load + summarise {report['summary']:.2f} s; "
        f"every file (CSV, XLSX, HTML) {report['files']:.2f} s. Goal (issue #18) ≤ 1 s.",
        "",
    ])
    (ROOT / "BENCHMARKS.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
