"""The facilitator view *Programme figures* runs in a real kernel and shows the figures entered before.

Served only by the facilitators' JupyterLab (behind their token): the participants' server never
serves ``facilitator_views/`` (``test_server_doors.py::test_guessed_urls_reach_nothing``).
"""

import json
import os

import nbformat
from nbclient import NotebookClient

from coproduction_kit.core.programme import ProgrammeFigures
from coproduction_kit.core.settings import PROJECT_ROOT, handover_environment, load_config
from coproduction_kit.store import Store, migrate


def test_the_figures_view_runs_and_shows_the_figures_entered(tmp_path, monkeypatch):
    workshop = load_config(tmp_path / "data")
    migrate(workshop.store_url)
    store = Store(workshop.store_url)
    store.save_programme_figures(workshop.workshop_id, ProgrammeFigures.checked(6, 5, 3, 2, payment_days="7, 14"))
    store.close()
    for name, value in handover_environment(workshop).items():
        monkeypatch.setenv(name, str(value))

    notebook = nbformat.read(PROJECT_ROOT / "facilitator_views" / "figures.ipynb", as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(PROJECT_ROOT / "facilitator_views")}}).execute()

    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    texts = {model["state"].get("description"): model["state"].get("value") for model in state.values()
             if model["model_name"] == "TextModel"}
    assert texts["Sessions held"] == "6" and texts["Service-user educators paid"] == "2"
    assert texts["Days from session to payment, one number per payment"] == "7, 14"
    buttons = [model["state"]["description"] for model in state.values() if model["model_name"] == "ButtonModel"]
    assert buttons == ["Save the figures"]
    assert os.environ.get("WORKSHOP_DATA_DIR") == str(workshop.data_dir)
