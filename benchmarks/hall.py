"""A lecture hall: 100 (and, with a session named, 200) participants opening a page at once.

``sensed_hall`` is plain ``workshop serve`` (``--room 30``, its default, nothing named): the hall
joins through the start page over ``BENCH_JOIN_SECONDS``, and a minute later everyone opens the
series' first module at the same moment.  The server learns the room from the joins and makes the
page ready for everyone present, past ``--room``, as far as the memory available allows
(``room_sense.room_bounds``).  ``named_hall`` is ``workshop serve --session``'s way: the page
named is made ready for ``--room`` people before anyone comes.  Plain Voilà serves a
one-textarea notebook to as many at once, every kernel on demand, alongside.

Memory is sampled throughout (PSS summed over the server, the warm parent and every kernel) and
given per participant.  With a session named, the server's own CPU time across the burst is given
per request (``psutil``'s ``cpu_times`` before and after: what 200 requests at once queue behind,
and unlike a wall-clock time not changed by a busy machine), and the kernels' CPU beside it.
Run alone: ``BENCH_HALL=10 BENCH_NAMED_HALL=10 .venv/bin/python benchmarks/hall.py``; only the
named hall: ``... benchmarks/hall.py named``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import psutil

from common import stop, wait_in_log, wait_until_quiet
from room import GAP, JOIN_SECONDS, MemoryWatch, _row, burst, join, one_textarea, plain_voila, workshop_server

HALL = int(os.environ.get("BENCH_HALL", "100"))
NAMED_HALL = int(os.environ.get("BENCH_NAMED_HALL", "200"))
FILL_SECONDS = 900  # a pool of 200 runs its page 200 times on two cores


def _memory(peak: dict, people: int) -> str:
    return (f"{peak['pss'] / 1024:.2f} GB PSS ({peak['pss'] / people:.0f} MB a participant), "
            f"{peak['rss'] / 1024:.1f} GB RSS, {peak['kernels']} kernels (peak)")


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _kernels_cpu(server: psutil.Process) -> float:
    """CPU seconds of everything the server started (the warm parent and the kernels) still running."""
    total = 0.0
    for child in server.children(recursive=True):
        try:
            total += _cpu(child)
        except psutil.Error:
            pass
    return total


def _joined(base: str, label: str, people: int, seconds: float) -> list[str]:
    cookies = []
    for n in range(people):  # evenly over ``seconds``, each a new participant through the start page
        began = time.monotonic()
        cookies.append(join(base, f"{label}-{n}"))
        time.sleep(max(0.0, seconds / people - (time.monotonic() - began)))
    return cookies


def sensed_hall(workshop, tmp: Path, people: int = HALL) -> tuple[str, dict]:
    """Plain ``workshop serve``: ``people`` join, then all open the first module at once."""
    from coproduction_kit.core.curriculum import load_curriculum

    first = next(iter(load_curriculum(workshop.curriculum_dir).modules))
    log = tmp / "hall-sensed.log"
    process, base = workshop_server(workshop, log, "--room", "30")
    server = psutil.Process(process.pid)
    try:
        wait_in_log(log, rf"Kernel pool of {first}\.ipynb is filled with", seconds=300)
        wait_until_quiet(server)
        watch = MemoryWatch(server)
        cookies = _joined(base, "hall", people, JOIN_SECONDS)
        time.sleep(GAP)
        result = burst(f"{base}voila/render/{first}.ipynb", cookies)
        time.sleep(5)  # the pages' widgets are built: the kernels' memory as they are used
        peak = watch.stop()
    finally:
        stop(process)
    what = f"kit, `workshop serve` with nothing named: {people} join, then open `{first}` at once"
    return _row(what, result, _memory(peak, people)), {"peak": peak, "result": result}


def named_hall(workshop, tmp: Path, people: int = NAMED_HALL) -> tuple[str, dict]:
    """``--room people --pages power``: the page ready before anyone comes; all open it at once."""
    log = tmp / "hall-named.log"
    process, base = workshop_server(workshop, log, "--room", str(people), "--pages", "power")
    server = psutil.Process(process.pid)
    try:
        wait_in_log(log, rf"Kernel pool of power\.ipynb is filled with {people}", seconds=FILL_SECONDS)
        wait_until_quiet(server, seconds=FILL_SECONDS)
        cookies = _joined(base, "named", people, 0)
        watch = MemoryWatch(server)
        server_before, kernels_before = _cpu(server), _kernels_cpu(server)
        result = burst(f"{base}voila/render/power.ipynb", cookies)
        server_cpu, kernels_cpu = _cpu(server) - server_before, _kernels_cpu(server) - kernels_before
        time.sleep(5)
        peak = watch.stop()
        failed_forks = log.read_text().count("Could not fork a kernel")
    finally:
        stop(process)
    what = f"kit, a session named (`--room {people} --pages power`): {people} open `power` at once"
    cpu = {"server_ms_per_request": 1000 * server_cpu / people, "kernels_s": kernels_cpu, "failed_forks": failed_forks}
    print(f"{what}: the server's CPU over the burst {server_cpu:.2f} s ({cpu['server_ms_per_request']:.1f} ms a "
          f"request), its kernels' {kernels_cpu:.2f} s; kernels not forked from the warm parent: {failed_forks}")
    return _row(what, result, _memory(peak, people)), {"peak": peak, "result": result, **cpu}


def plain_hall(tmp: Path, people: int) -> str:
    """Plain Voilà, one textarea, every kernel on demand: ``people`` at once."""
    process, url = plain_voila(one_textarea(tmp / f"plain-hall-{people}"), tmp / f"plain-hall-{people}.log")
    try:
        watch = MemoryWatch(psutil.Process(process.pid))
        result = burst(url, [None] * people)
        time.sleep(5)
        peak = watch.stop()
    finally:
        stop(process)
    return _row(f"plain Voilà, one textarea, every kernel on demand: {people} at once", result, _memory(peak, people))


def halls(workshop, tmp: Path) -> list[str]:
    """Every lecture-hall row, the kit's beside plain Voilà's."""
    sensed, _ = sensed_hall(workshop, tmp)
    named, _ = named_hall(workshop, tmp)
    return [sensed, plain_hall(tmp, HALL), named, plain_hall(tmp, NAMED_HALL)]


def main():
    from coproduction_kit.core.curriculum import load_curriculum
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.nbgrader.course import prepare
    from coproduction_kit.store import migrate

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        workshop = load_config(tmp / "data", workshop_id="bench")
        prepare(workshop, load_curriculum(workshop.curriculum_dir), say=lambda _: None)
        migrate(workshop.store_url)
        if sys.argv[1:] == ["named"]:
            rows = [named_hall(workshop, tmp)[0]]
        else:
            rows = halls(workshop, tmp)
    print("| what | median | p95 | failures | peak memory (server + kernels) |")
    print("| --- | ---: | ---: | ---: | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    sys.exit(main())
