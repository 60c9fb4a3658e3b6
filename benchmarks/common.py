"""What every benchmark shares: percentiles, a server's memory, starting and stopping servers."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

from tests.helpers import free_port, wait_for, wait_in_log  # noqa: E402

ROOM_SIZE = int(os.environ.get("BENCH_ROOM", "30"))  # a smaller room for a quick try of the script


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def pss_of(pid: int) -> int:
    """Proportional set size: shared pages (Python, libzmq, …) counted once across processes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def is_kernel(process: psutil.Process) -> bool:
    """A Jupyter kernel: plain Voilà's (ipykernel_launcher) or a workshop page's (lean_kernel)."""
    command = " ".join(process.cmdline())
    return "ipykernel" in command or "lean_kernel" in command


def tree_memory(process: psutil.Process) -> tuple[int, int, int]:
    """(RSS summed, PSS summed, kernels) over a server and everything it started."""
    rss = pss = kernels = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            rss += p.memory_info().rss
            pss += pss_of(p.pid)
            kernels += is_kernel(p)
        except psutil.Error:
            pass
    return rss, pss, kernels


def kernel_memory_mb(server: psutil.Process) -> tuple[float, float]:
    """Median (RSS, PSS) of the server's kernels, in MB."""
    kernels = [p for p in server.children(recursive=True) if is_kernel(p)]
    if not kernels:
        return float("nan"), float("nan")
    return (statistics.median(p.memory_info().rss for p in kernels) / 2**20,
            statistics.median(pss_of(p.pid) for p in kernels) / 2**20)


def start(command: list[str], log: Path, url: str, env: dict | None = None) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env or os.environ.copy(), stdout=open(log, "w"),
                               stderr=subprocess.STDOUT, cwd=ROOT)
    wait_for(url, process, seconds=180)
    return process


def stop(process):
    """End a server and every kernel it started (a frozen server may ignore SIGTERM)."""
    children = psutil.Process(process.pid).children(recursive=True)
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    for child in children:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


def wait_until_quiet(server: psutil.Process, below: float = 10.0, seconds: float = 300) -> None:
    """Wait until a server and its kernels use under ``below`` % of one core for 3 s in a row.

    A pool is "filled" once its kernels have started; they still run the page's notebook after
    that.  A room arrives minutes later, so the figures are taken once that work is done.
    """
    deadline, quiet = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and quiet < 3:
        processes = [server, *server.children(recursive=True)]
        for p in processes:
            try:
                p.cpu_percent(None)
            except psutil.Error:
                pass
        time.sleep(1)
        busy = 0.0
        for p in processes:
            try:
                busy += p.cpu_percent(None)
            except psutil.Error:
                pass
        quiet = quiet + 1 if busy < below else 0


__all__ = ["ROOT", "ROOM_SIZE", "free_port", "is_kernel", "kernel_memory_mb", "percentile", "pss_of", "start", "stop",
           "tree_memory", "wait_in_log", "wait_until_quiet"]
