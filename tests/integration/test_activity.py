"""A page kernel's activity, noted lightly (``activity.py``): the culler sees what jupyter_server's
own watch would have shown, and a message not signed by the kernel counts for nothing."""

from tests.helpers import run_coroutine
import asyncio
import time

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from coproduction_kit.server.activity import with_light_activity


def test_a_kernels_activity_and_state_are_noted_as_jupyter_server_would(tmp_path):
    async def run():
        manager = with_light_activity(AsyncMappingKernelManager)(root_dir=str(tmp_path))
        kernel_id = await manager.start_kernel(kernel_name="python3")
        kernel = manager.get_kernel(kernel_id)
        client = kernel.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            deadline = time.monotonic() + 30
            while kernel.execution_state == "starting" and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert kernel.execution_state == "idle"
            before = kernel.last_activity
            seen = []
            await client.execute_interactive("import time; time.sleep(1.5); print(42)", timeout=60,
                                             output_hook=lambda m: seen.append(kernel.execution_state))
            assert "busy" in seen  # the state followed the execute request
            await asyncio.sleep(0.5)
            assert kernel.execution_state == "idle" and kernel.last_activity > before
            noted = kernel.last_activity
            stranger = type(kernel.session)(key=b"not-the-kernels-key")
            forged = stranger.msg("status", {"execution_state": "busy"}, parent=stranger.msg_header("execute_request"))
            watch = kernel._activity_stream._recv_callback  # what the watch does with each IOPub message
            watch(stranger.serialize(forged))
            assert kernel.execution_state == "idle" and kernel.last_activity == noted
            watch(kernel.session.serialize(forged))  # the same, signed with the kernel's key: noted
            assert kernel.execution_state == "busy" and kernel.last_activity > noted
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(kernel_id, now=True)

    run_coroutine(run())
