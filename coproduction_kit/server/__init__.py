"""The workshop's servers and the facilitators' command line (``workshop``)."""

from pathlib import Path

# Jupyter data folder holding the Voilà template "workshop" (put on JUPYTER_PATH when serving).
TEMPLATE_ROOT = Path(__file__).parent / "jupyter"
