"""The participants' kernels: ipykernel as usual, without the debugger nobody here can reach.

ipykernel loads debugpy in every kernel it starts (about 8 MB of each kernel's memory, measured
with PSS).  The participants' server is Voilà on its own, which passes only widget, kernel-info
and shutdown messages from a browser (``allowed_message_types`` in ``voila/app.py``), so no
participant's page can ever ask its kernel to debug.  ``LeanKernelSpecs`` gives the participants'
server a Python kernel started through ``python -m coproduction_kit.server.lean_kernel``, which
tells ipykernel that debugpy is not there and then starts the kernel as ``ipykernel_launcher``
would.  Unless ``fork`` is off, the kernel is forked from a warm parent that has imported all this
already (``kernel_forks.py``).  The facilitators' JupyterLab keeps the standard kernel, debugger included.
"""

from __future__ import annotations

import sys

from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager
from traitlets import Bool


class LeanKernelSpecs(KernelSpecManager):
    """The standard kernel specs, with the Python kernel started without debugpy, forked from a
    warm parent (``kernel_forks.py``) unless ``fork`` is off."""

    fork = Bool(True, help="Fork page kernels from a warm parent (off: each starts its own Python, "
                           "as `python -m coproduction_kit.server.lean_kernel`).").tag(config=True)

    def get_kernel_spec(self, kernel_name: str):
        spec = super().get_kernel_spec(kernel_name)
        if kernel_name == NATIVE_KERNEL_NAME and spec.argv[1:3] == ["-m", "ipykernel_launcher"]:
            spec.argv = [sys.executable, "-m", __name__, *spec.argv[3:]]
            if self.fork:
                from coproduction_kit.server import kernel_forks

                kernel_forks.register()
                spec.metadata = {**spec.metadata, "kernel_provisioner": {"provisioner_name": kernel_forks.NAME}}
        return spec


def main() -> None:
    sys.modules["debugpy"] = None  # "not installed": ipykernel then starts no debugger
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance()


if __name__ == "__main__":
    main()
