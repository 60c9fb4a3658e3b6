"""What one page's kernel costs: PSS, RSS and CPU time of a kernel of each module page, built and idle.

One participant opens every module page in turn on a workshop server with every kernel started
on demand; after each page, once the server is quiet, the new kernel's memory is read from
``/proc/<pid>/smaps_rollup``, and the CPU time it spent starting and building its page (robust to
a busy machine, unlike a wall-clock time).  Run alone: ``.venv/bin/python benchmarks/kernels.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import urllib.request
from pathlib import Path

import psutil

from common import is_kernel, pss_of, wait_until_quiet
from room import workshop_server
from common import stop


def page_kernels(workshop, store, tmp: Path) -> dict[str, tuple[float, float, float]]:
    """{module: (RSS MB, PSS MB, CPU seconds)} of the kernel serving that module's page."""
    from coproduction_kit.core.curriculum import load_curriculum

    modules = list(load_curriculum(workshop.curriculum_dir).modules)
    _, cookie = store.add_participant(workshop.workshop_id, "memory")
    process, base = workshop_server(workshop, tmp / "kernels.log", "--room", "0",
                                    "--kernels-per-participant", str(len(modules) + 1))
    server = psutil.Process(process.pid)
    figures = {}
    try:
        for module in modules:
            before = {p.pid for p in server.children(recursive=True) if is_kernel(p)}
            request = urllib.request.Request(f"{base}voila/render/{module}.ipynb",
                                             headers={"Cookie": f"workshop_participant={cookie}"})
            with urllib.request.urlopen(request, timeout=180) as response:
                response.read()
            wait_until_quiet(server)
            new = [p for p in server.children(recursive=True) if is_kernel(p) and p.pid not in before]
            if new:
                cpu = new[0].cpu_times()
                figures[module] = (new[0].memory_info().rss / 2**20, pss_of(new[0].pid) / 2**20, cpu.user + cpu.system)
    finally:
        stop(process)
    return figures


def main():
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.store import Store, migrate

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        workshop = load_config(tmp / "data", workshop_id="bench")
        migrate(workshop.store_url)
        store = Store(workshop.store_url)
        for module, (rss, pss, cpu) in page_kernels(workshop, store, tmp).items():
            print(f"{module}: {rss:.1f} MB RSS, {pss:.1f} MB PSS, {cpu:.2f} s of CPU")


if __name__ == "__main__":
    main()
