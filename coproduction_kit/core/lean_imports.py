"""What the kit's processes leave out when they start: a grammar nothing here uses.

jsonschema (imported by nbformat, jupyter_events and so by every Jupyter server) registers its
checkers for the ``iri`` and ``iri-reference`` formats at import, through ``rfc3987_syntax``, which
builds some 35 Lark parsers as it is imported: 1.6-2 s of CPU in every process that imports
nbformat or starts a Jupyter server (measured here: ``import nbformat`` 2.1 s of CPU with it,
0.2 s without; the participants' server's imports 3.4 s against 1.5 s). No schema these processes
validate uses either format (tests/unit/test_lean_imports.py reads every installed schema), and
jsonschema leaves a format it has no checker for unchecked, as it does when the package is absent.
Reported upstream: python-jsonschema/jsonschema#1428, jupyter-server/jupyter_server#1559.

The kit's own processes (its servers, page kernels and command line) call
``leave_out_unused_grammars`` before anything imports jsonschema: on a laptop serving a room, a
participant's first Submit (which reads a notebook with nbformat in their page's kernel) and every
server start are quicker by that much. A program that imports the kit's widgets as a library is
left as it is.
"""

from __future__ import annotations

import sys

UNUSED = ("rfc3987_syntax",)


def leave_out_unused_grammars() -> None:
    """Make the modules in ``UNUSED`` unimportable in this process, unless one is already imported:
    jsonschema then skips the checkers that need them, as when they are not installed."""
    for name in UNUSED:
        sys.modules.setdefault(name, None)
