"""Page kernels forked from a warm parent: a kernel starts in milliseconds and shares its imports.

Every page's kernel imports the same things (ipykernel, IPython, ipywidgets, the kit and its
store) before it runs a line of the page: about a second of a core and some 40 MB each.  A
room of a hundred opening a page pays that a hundred times.  Here one parent process imports
them once (``python -m coproduction_kit.server.kernel_forks SOCKET``, started by the
participants' server on its first kernel) and each page's kernel is a ``fork`` of it: it starts
at once, and the pages of memory it does not write to stay shared with the parent and every
other kernel (what PSS counts once).

What a kernel is told is what jupyter_client would have given a new process: its command line
(the connection file), its environment (``VOILA_KERNEL_ID``, the request's cookie, ...) and
its folder, which the child reads itself after the fork: the parent never holds a kernel's
environment (its participant's cookie), so no later kernel inherits it.  The parent holds no
participant's data, no socket to a kernel, no thread and no event loop when it forks; the child
starts its own process group, so the server signals and ends it as it would any kernel
(``ForkedKernelProvisioner``).  The parent listens
on a Unix socket in a folder only this user may open and answers only this user's processes;
it ends when the server that started it ends, and its kernels when it ends.

A kernel runs only once the server has its process id: the child says its id, then waits for
the server's word ("go"); a server that gave up on it (a timeout) closes the connection instead,
and the child ends without ever becoming a kernel nobody owns.  The server asks for a few
kernels at a time (``WarmParent.at_once``): a pool of 200 filling at once overflowed the socket's
queue, and every kernel after that started the usual way (a whole Python each, 1.3 s of CPU).

The parent and all its kernels are one session of their own: where Linux groups the CPU by
session (``sched_autogroup``, on by default), the kernels together get the same share as the
server, not one share each.  A room of 200 binding their pages at once then leaves the server a
core to answer the page requests with, instead of 1/200 of the machine.

If the parent cannot be started or does not answer, a kernel is started the usual way: the
warm parent is a speed-up, never a door a page depends on.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from importlib.metadata import EntryPoint

from jupyter_client.provisioning import LocalProvisioner
from jupyter_client.provisioning.factory import KernelProvisionerFactory

NAME = "workshop-forks"
WIDGET_TARGETS = "ipywidgets"  # the extension that registers the widgets' comm targets in a kernel
# What every page's kernel imports before it runs the page: imported once, in the parent.
# The second line: what a kernel imports as it starts its shell (listed from a page kernel's sys.modules).
WARM = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.comm", "ipywidgets", "coproduction_kit.widgets",
        "sqlite3", "pdb", "faulthandler", "IPython.core.debugger", "IPython.core.completerlib",
        "IPython.core.oinspect", "IPython.core.logger", "IPython.extensions.storemagic",
        # and what a pooled page's kernel still imported after the fork (its sys.modules against the parent's)
        "ipykernel.debugger", "runpy", "tornado.gen", "tornado.locks", "tornado.queues", "tornado.platform.asyncio",
        "tornado.websocket", "tornado.httpclient")


# The parent --------------------------------------------------------------------------------
def serve(path: str) -> None:
    """Import what a page's kernel needs, then fork a kernel for every request on ``path``."""
    sys.modules["debugpy"] = None  # as lean_kernel: no debugger in a page's kernel
    try:
        os.setsid()  # a session of its own, its kernels' too (the module's docstring says why)
    except OSError:  # already a session leader
        pass
    for module in WARM:
        __import__(module)
    _title()  # setproctitle finds the command line's memory now, before a child changes its environment
    gc.collect()
    gc.freeze()  # the collector never touches (and so never copies) what the parent made
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended kernels are reaped by the system
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # asked to end: the socket's folder goes too
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(socket.SOMAXCONN)
    listener.settimeout(1.0)
    try:
        _fork_on_request(listener)
    finally:
        os.unlink(path)
        os.rmdir(os.path.dirname(path))


def _fork_on_request(listener: socket.socket) -> None:
    """Fork for every connection of this user's; the child reads the request itself, so nothing of
    one kernel's environment (its participant's cookie) ever enters the parent, or a later kernel."""
    server_pid = os.getppid()
    while os.getppid() == server_pid:  # the server that started us is gone: so are we
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        with conn:
            _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
            if uid != os.getuid():
                continue
            try:
                child = os.fork()
            except OSError:  # out of processes or memory: this kernel starts the usual way
                continue
            if child == 0:
                listener.close()
                _become_kernel(conn)  # never returns


def _become_kernel(conn: socket.socket) -> None:
    """In the child: take on what jupyter_client asked for, say this process's id, become the kernel."""
    code = 1
    try:
        conn.settimeout(30)
        lines = conn.makefile("rb")
        try:
            request = json.loads(lines.readline())
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's own subprocesses are its to wait for
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.setpgid(0, 0)  # its own process group, as jupyter_client gives a kernel (in the parent's session)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.close(devnull)
            os.chdir(request["cwd"])
            sys.path[0] = os.getcwd()  # as ``python -m`` started in the page's folder would have it
            os.environ.clear()
            os.environ.update(request["env"])
            os.environ["JPY_PARENT_PID"] = str(os.getppid())
            command = request["command"]  # python -m coproduction_kit.server.lean_kernel -f CONNECTION_FILE
            argv = command[3:]
            sys.argv = [sys.executable, *argv]
            _title(" ".join(command))  # `ps` shows the kernel as if it had been started alone
            conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
            conn.settimeout(None)  # a busy server may take a while; a server that ends closes the socket
            told = lines.readline()
        except Exception as err:  # say so: the server then starts this kernel the usual way
            conn.sendall(json.dumps({"error": repr(err)}).encode() + b"\n")
            raise
        finally:
            lines.close()
            conn.close()
        if told.strip() != b"go":
            return  # the server gave up on this kernel and started it another way: end here
        from ipykernel.kernelapp import IPKernelApp

        # The parent is the one to outlive: if it ends, so does this kernel.  ipywidgets was imported
        # in the parent, where no kernel was running, so it registered none of its comm targets (it
        # does that on import only inside a kernel); loaded as the kernel's extension, it does so now.
        # Without them a page cannot ask for all its widgets in one message, and falls back on asking
        # widget by widget, which under load left pages with "model not found" and never interactive.
        IPKernelApp.launch_instance(argv=[*argv, f"--IPKernelApp.parent_handle={os.getppid()}",
                                          f"--IPKernelApp.extensions={WIDGET_TARGETS}"])
        code = 0
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else 0
    finally:
        os._exit(code)


def _title(title: str | None = None) -> None:
    """Set this process's title (``ps``); without a title, find where it lives (before a fork)."""
    try:
        from setproctitle import getproctitle, setproctitle
    except ImportError:  # the kernel works as well; `ps` shows the warm parent's command for it
        return
    setproctitle(title) if title else getproctitle()


# The server's side ---------------------------------------------------------------------------
class WarmParent:
    """The one warm parent of this server, started on first use."""

    process: subprocess.Popen | None = None
    path: str | None = None
    failed = False
    at_once = 8  # kernels asked for at the same time; the others wait their turn here
    _turns: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
    _failures = 0  # in a row: after three, kernels start the usual way from then on

    @classmethod
    async def fork(cls, command: list[str], env: dict, cwd: str) -> int:
        """The pid of a new kernel forked for ``command`` (``python -m …lean_kernel …``), ``env`` and ``cwd``."""
        if cls.process is None or cls.process.poll() is not None:
            cls._start()
        loop = asyncio.get_running_loop()
        if cls._turns is None or cls._turns[0] is not loop:  # a semaphore belongs to one loop
            cls._turns = (loop, asyncio.Semaphore(cls.at_once))
        async with cls._turns[1]:
            reader, writer = await asyncio.wait_for(cls._connect(), timeout=60)
            try:
                writer.write(json.dumps({"command": command, "env": env, "cwd": str(cwd)}).encode() + b"\n")
                answer = json.loads(await asyncio.wait_for(reader.readline(), timeout=60) or b"{}")
                if "pid" not in answer:
                    raise RuntimeError(answer.get("error", "the warm parent gave no kernel"))
                writer.write(b"go\n")  # only now may the child become the kernel
                await writer.drain()
            finally:
                writer.close()
        cls._failures = 0
        return answer["pid"]

    @classmethod
    def gave_up(cls) -> bool:
        """After a failed fork: whether to start every kernel the usual way from now on (the parent
        is gone, or failed three times in a row), or only this one (a slow moment)."""
        cls._failures += 1
        cls.failed = cls.process is None or cls.process.poll() is not None or cls._failures >= 3
        return cls.failed

    @classmethod
    def _start(cls) -> None:
        folder = tempfile.mkdtemp(prefix="workshop-forks-")  # 0700: this user's only
        cls.path = os.path.join(folder, "socket")
        cls.process = subprocess.Popen([sys.executable, "-m", __name__, cls.path])

    @classmethod
    async def _connect(cls):
        while True:  # until the parent has imported everything and listens
            if cls.process.poll() is not None:
                raise RuntimeError("the warm parent ended")
            try:
                return await asyncio.open_unix_connection(cls.path)
            except (FileNotFoundError, ConnectionRefusedError):
                await asyncio.sleep(0.1)


class ForkedKernel:
    """What jupyter_client keeps of a kernel's process (``Popen``'s few methods), for a forked one."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # reaped by the system: its exit status is not ours to read
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkedKernelProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with the kernel forked from the warm parent."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        python_m = cmd[1:3] == ["-m", "coproduction_kit.server.lean_kernel"]
        if python_m and not WarmParent.failed:
            try:
                env = kwargs.get("env") or dict(os.environ)
                pid = await WarmParent.fork(cmd, env, kwargs.get("cwd") or os.getcwd())
            except Exception:
                self.log.warning("Could not fork a kernel from the warm parent; starting %s the usual way",
                                 "kernels" if WarmParent.gave_up() else "this one", exc_info=True)
            else:
                self.process, self.pid, self.pgid = ForkedKernel(pid), pid, pid
                self.cwd = kwargs.get("cwd")
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)


def register() -> None:
    """Make the provisioner known to jupyter_client by name (no installed entry point needed)."""
    KernelProvisionerFactory.provisioners[NAME] = EntryPoint(
        NAME, f"{__name__}:ForkedKernelProvisioner", KernelProvisionerFactory.GROUP_NAME)


if __name__ == "__main__":
    serve(sys.argv[1])
