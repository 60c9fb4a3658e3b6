"""Which JupyterLab extensions a module page lists (server/light.py), decided from its notebook alone."""

from types import SimpleNamespace

import nbformat

from coproduction_kit.core.kinds import KINDS
from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.server.light import ON_DEMAND, keep_needed_extensions

ALL = ["@jupyter-widgets/jupyterlab-manager", "anywidget", "@voila-dashboards/widgets-manager8"]


def listed(notebook_path, root_dir):
    config = {"federated_extensions": [{"name": name, "load": "x.js"} for name in ALL]}
    settings = {"contents_manager": SimpleNamespace(root_dir=str(root_dir))}
    page = keep_needed_extensions(config, "/", settings, None, None, notebook_path=notebook_path)
    return [extension["name"] for extension in page["federated_extensions"]]


def test_the_power_maps_front_end_is_on_demand():
    assert ON_DEMAND == {"anywidget": [KINDS["power_map"].call]}


def test_only_the_page_that_shows_a_power_map_lists_anywidget():
    modules = PROJECT_ROOT / "modules"
    assert listed("power.ipynb", modules) == ALL
    assert listed("payment.ipynb", modules) == ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]


def test_a_call_in_markdown_or_a_name_that_only_contains_it_loads_nothing(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell('power_map("power.map-before")'),
                      nbformat.v4.new_code_cell('my_power_map_notes = 1\nreflect("x.y")')]
    nbformat.write(notebook, tmp_path / "page.ipynb")
    assert "anywidget" not in listed("page.ipynb", tmp_path)
    notebook.cells.append(nbformat.v4.new_code_cell('power_map ("x.map")'))
    nbformat.write(notebook, tmp_path / "page.ipynb")
    assert "anywidget" in listed("page.ipynb", tmp_path)  # the file changed: read again


def test_a_notebook_that_cannot_be_read_keeps_every_extension(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert listed("broken.ipynb", tmp_path) == ALL
    assert listed("missing.ipynb", tmp_path) == ALL
