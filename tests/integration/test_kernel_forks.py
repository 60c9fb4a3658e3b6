"""A page's kernel forked from the warm parent: its own environment, its own participant, and
gone with its server; if the warm parent cannot start, kernels start the usual way."""

import json
from pathlib import Path

import psutil
import pytest
from jupyter_client.manager import KernelManager

from coproduction_kit.server import kernel_forks
from coproduction_kit.server.lean_kernel import LeanKernelSpecs
from tests.helpers import Visitor, ask_kernel, open_page, run_coroutine, start_voila, stop_voila, wait_until


def kernel_process(server: psutil.Process, kernel_id: str) -> psutil.Process:
    found = [p for p in server.children(recursive=True) if f"kernel-{kernel_id}.json" in " ".join(p.cmdline())]
    assert len(found) == 1, [p.cmdline()[:3] for p in server.children(recursive=True)]
    return found[0]


def memory_holds(pid: int, needle: bytes) -> bool:
    """Whether a process's writable memory holds ``needle`` (a descendant of this test may be read)."""
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if not perms.startswith("rw"):
                continue
            start, end = (int(x, 16) for x in span.split("-"))
            try:
                mem.seek(start)
                if needle in mem.read(end - start):
                    return True
            except (OSError, ValueError, OverflowError):
                continue
    return False


@pytest.mark.server
def test_a_page_kernel_is_forked_with_its_own_environment_and_ends_with_its_server(prepared_copy):
    process, url = start_voila(prepared_copy)
    server = psutil.Process(process.pid)
    try:
        sam, kim = Visitor(url), Visitor(url)
        sam.post("", pseudonym="fork-sam")
        kim.post("", pseudonym="fork-kim")
        sams, kims = open_page(sam, "orientation"), open_page(kim, "orientation")
        kernel = kernel_process(server, sams)
        parent = kernel.parent()
        assert "coproduction_kit.server.kernel_forks" in parent.cmdline() and parent.ppid() == server.pid
        folder = Path(parent.cmdline()[-1]).parent  # its socket's, this user's only
        assert folder.stat().st_mode & 0o077 == 0
        assert kernel_process(server, kims).parent().pid == parent.pid  # one warm parent for all
        said = json.loads(ask_kernel(kernel, "import json, os, sys; print(json.dumps([os.environ['VOILA_KERNEL_ID'], "
                                      "os.environ.get('HTTP_COOKIE', ''), os.getcwd(), 'sqlalchemy' in sys.modules, "
                                      "sys.modules.get('debugpy', 0)]))"))
        kernel_id, cookie, cwd, imported, debugpy = said
        assert kernel_id == sams
        assert sam.cookie("workshop_participant") in cookie and kim.cookie("workshop_participant") not in cookie
        assert cwd == str(prepared_copy.modules_dir) and imported is True and debugpy is None
        # ipywidgets came from the parent, imported where no kernel ran: its comm targets are registered
        # all the same, so the page asks for all its widgets in one message (without them, pages under
        # load were left with "model not found", never interactive).
        targets = json.loads(ask_kernel(kernel, "import comm, json; print(json.dumps(sorted(comm.get_comm_manager().targets)))"))
        assert {"jupyter.widget", "jupyter.widget.control"} <= set(targets)
        # A curious participant's kernel holds no one else's cookie, nor does the parent it came from.
        sams_cookie = sam.cookie("workshop_participant").encode()
        assert memory_holds(kernel.pid, sams_cookie)  # the scan finds it where it belongs
        assert not memory_holds(parent.pid, sams_cookie)
        assert not memory_holds(kernel_process(server, kims).pid, sams_cookie)  # forked after Sam's
        assert open_page(sam, "power")  # the page works as before: built for its participant
    finally:
        stop_voila(process)
    assert wait_until(lambda: not parent.is_running() or parent.status() == psutil.STATUS_ZOMBIE, seconds=30)
    assert wait_until(lambda: not kernel.is_running() or kernel.status() == psutil.STATUS_ZOMBIE, seconds=30)
    assert not folder.exists()


def test_without_the_warm_parent_a_kernel_starts_the_usual_way(monkeypatch, tmp_path):
    def cannot_start():
        raise OSError("no warm parent here")

    monkeypatch.setattr(kernel_forks.WarmParent, "process", None)
    monkeypatch.setattr(kernel_forks.WarmParent, "failed", False)
    monkeypatch.setattr(kernel_forks.WarmParent, "_start", staticmethod(cannot_start))
    # Its sockets in this test's folder: by default they are kernel-ipc-1, -2 ... in the working
    # folder, where the other test worker's kernel may take the same names at the same moment.
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=LeanKernelSpecs(), transport="ipc",
                            ip=str(tmp_path / "kernel-ipc"))
    manager.start_kernel()
    try:
        assert kernel_forks.WarmParent.failed
        started = psutil.Process(manager.provisioner.pid)
        assert started.ppid() == psutil.Process().pid  # a child of ours, not a fork
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        said = []
        client.execute_interactive("print(6 * 7)", timeout=60,
                                   output_hook=lambda m: said.append(m["content"].get("text", "")))
        client.stop_channels()
        assert "".join(said).strip() == "42"
    finally:
        manager.shutdown_kernel(now=True)


def test_a_kernel_the_server_gave_up_on_never_runs(tmp_path):
    """The child says its pid, then waits for the server's "go": a server that gave up (a timeout)
    closes the connection and starts the kernel another way, and the child ends rather than run
    beside it, unowned.  With the word, the child runs as the kernel."""
    import socket
    import subprocess
    import sys

    path = tmp_path / "forks" / "socket"
    path.parent.mkdir(mode=0o700)
    parent = subprocess.Popen([sys.executable, "-m", "coproduction_kit.server.kernel_forks", str(path)])

    def ask(connection_file: Path) -> tuple[socket.socket, int]:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(str(path))
        command = [sys.executable, "-m", "coproduction_kit.server.lean_kernel", "-f", str(connection_file)]
        conn.sendall(json.dumps({"command": command, "env": {"PATH": "/usr/bin"}, "cwd": str(tmp_path)}).encode() + b"\n")
        return conn, json.loads(conn.makefile("rb").readline())["pid"]

    try:
        assert wait_until(path.exists, seconds=60)
        given_up, pid = ask(tmp_path / "kernel-1.json")
        child = psutil.Process(pid)
        assert child.ppid() == parent.pid
        given_up.close()  # no "go"
        assert wait_until(lambda: not child.is_running() or child.status() == psutil.STATUS_ZOMBIE, seconds=30)
        told, pid = ask(tmp_path / "kernel-2.json")
        told.sendall(b"go\n")
        told.close()
        assert wait_until((tmp_path / "kernel-2.json").exists, seconds=60)  # the kernel writes its connection file
        assert psutil.Process(pid).is_running() and not (tmp_path / "kernel-1.json").exists()
        psutil.Process(pid).kill()
    finally:
        parent.terminate()
        parent.wait(timeout=30)


def test_a_pool_filling_at_once_asks_the_warm_parent_a_few_kernels_at_a_time(tmp_path, monkeypatch):
    """A pool of 200 asked for its kernels at once; past the parent's socket queue the
    connections failed and kernels started the usual way.  Here a parent that accepts slowly, with
    a queue of ``at_once``, still gives every one of 60 kernels asked for together."""
    import asyncio
    import socket
    import threading

    path = str(tmp_path / "socket")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(kernel_forks.WarmParent.at_once)
    given = []

    def slow_parent():
        for n in range(60):
            conn, _ = listener.accept()
            with conn, conn.makefile("rb") as lines:
                json.loads(lines.readline())
                conn.sendall(json.dumps({"pid": 1000 + n}).encode() + b"\n")
                given.append(lines.readline().strip())
            threading.Event().wait(0.01)

    class Alive:
        def poll(self):
            return None

    monkeypatch.setattr(kernel_forks.WarmParent, "process", Alive())
    monkeypatch.setattr(kernel_forks.WarmParent, "path", path)
    monkeypatch.setattr(kernel_forks.WarmParent, "_turns", None)
    parent = threading.Thread(target=slow_parent, daemon=True)
    parent.start()

    async def pool():
        return await asyncio.gather(*(kernel_forks.WarmParent.fork(["python"], {}, str(tmp_path)) for _ in range(60)),
                                    return_exceptions=True)

    pids = run_coroutine(pool())
    parent.join(timeout=10)  # the last "go" may still be on its way to the parent when fork returns
    listener.close()
    assert sorted(pids) == list(range(1000, 1060)) and given == [b"go"] * 60
