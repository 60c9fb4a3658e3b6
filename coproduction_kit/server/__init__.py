"""The workshop's servers and the facilitators' command line (``workshop``)."""

import os
from pathlib import Path

from coproduction_kit.core.lean_imports import leave_out_unused_grammars

leave_out_unused_grammars()  # before the servers import Jupyter's: core/lean_imports.py

# The Voilà template "workshop" is Jupyter data: an installed kit puts it in
# ``share/jupyter/voila/templates/workshop/``, where Voilà finds it as it finds its own.  A checkout
# serves it from here, put first on JUPYTER_PATH, so the template being edited is the one served
# (an editable install also copies it to share/jupyter, where the copy goes stale).
TEMPLATE_ROOT = Path(__file__).parent / "jupyter"


def with_template(jupyter_path: str | None) -> str:
    """``JUPYTER_PATH`` with the checkout's template folder first (unchanged for an installed kit)."""
    paths = [p for p in (jupyter_path or "").split(os.pathsep) if p]
    if TEMPLATE_ROOT.is_dir() and str(TEMPLATE_ROOT) not in paths:
        paths.insert(0, str(TEMPLATE_ROOT))
    return os.pathsep.join(paths)
