"""The facilitators' JupyterLab, as ``python -m jupyterlab`` starts it, once this package has left
out the grammar no Jupyter schema uses (``core/lean_imports.py``): ``workshop serve`` runs
``python -m coproduction_kit.server.lab`` with JupyterLab's own options."""

import sys

from jupyterlab.labapp import main

if __name__ == "__main__":
    sys.exit(main())
