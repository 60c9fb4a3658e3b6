"""A page's kernel runs code as any Python kernel does, without loading ipykernel's debugger."""

from jupyter_client.manager import KernelManager

from coproduction_kit.server.lean_kernel import LeanKernelSpecs


def test_the_python_kernel_is_started_through_the_lean_launcher():
    argv = LeanKernelSpecs().get_kernel_spec("python3").argv
    assert argv[1:3] == ["-m", "coproduction_kit.server.lean_kernel"]
    assert "{connection_file}" in argv


def test_a_lean_kernel_runs_code_and_has_no_debugger_loaded(tmp_path):
    # Its sockets in this test's folder: by default they are kernel-ipc-1, -2 ... in the working
    # folder, where the other test worker's kernel may take the same names at the same moment.
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=LeanKernelSpecs(), transport="ipc",
                            ip=str(tmp_path / "kernel-ipc"))
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        said = []
        client.execute_interactive(
            "import sys, ipywidgets; print(6 * 7, 'debugpy' in sys.modules, sys.modules.get('debugpy', 0))",
            timeout=60, output_hook=lambda m: said.append(m["content"].get("text", "")))
        assert "".join(said).split() == ["42", "True", "None"]  # marked absent, never imported
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
