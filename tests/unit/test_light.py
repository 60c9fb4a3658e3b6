"""What a module page loads (server/light.py), decided from its notebook alone: which JupyterLab
extensions, and a typesetter that does nothing instead of MathJax."""

import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from jupyter_core.paths import jupyter_path

from coproduction_kit.core.kinds import KINDS
from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.server.light import NO_TYPESETTING, ON_DEMAND, keep_needed_extensions, light_page, no_typesetting

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


def typesetter(notebook_path, root_dir, base_url="/"):
    config = {"fullMathjaxUrl": None, "mathjaxConfig": None, "federated_extensions": []}
    settings = {"contents_manager": SimpleNamespace(root_dir=str(root_dir))}
    page = no_typesetting(config, base_url, settings, None, None, notebook_path=notebook_path)
    return page["fullMathjaxUrl"], page["mathjaxConfig"]


def test_a_module_page_names_the_typesetter_that_does_nothing_under_its_server_s_address():
    modules = PROJECT_ROOT / "modules"
    for module in ("payment", "power", "follow-up"):
        assert typesetter(f"{module}.ipynb", modules) == ("/" + NO_TYPESETTING, "none")
    assert typesetter("payment.ipynb", modules, "/user/river/") == ("/user/river/" + NO_TYPESETTING, "none")
    settings = {"contents_manager": SimpleNamespace(root_dir=str(modules))}
    config = {"federated_extensions": [{"name": name, "load": "x.js"} for name in ALL]}
    page = light_page(config, "/", settings, None, None, notebook_path="payment.ipynb")
    assert page["fullMathjaxUrl"] == "/" + NO_TYPESETTING and "anywidget" not in str(page["federated_extensions"])


def test_a_notebook_with_mathematics_or_one_that_cannot_be_read_keeps_voilas_mathjax(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["workshop"] = {"mathematics": True}
    nbformat.write(notebook, tmp_path / "maths.ipynb")
    (tmp_path / "broken.ipynb").write_text("{not json")
    for path in ("maths.ipynb", "broken.ipynb", "missing.ipynb"):
        assert typesetter(path, tmp_path) == (None, None), path


def test_the_typesetter_answers_every_call_voilas_front_end_makes_to_mathjax_2():
    """Voilà's MathJax 2 plugin (a chunk of its front end) calls MathJax.Hub.Config and the like on the
    script it loads; the kit's script must define each, or the page's outputs would fail to render."""
    static = next(Path(p) for p in jupyter_path("voila", "templates", "base", "static") if Path(p, "voila.js").exists())
    plugin = next(chunk.read_text("utf-8") for chunk in static.glob("*.js") if "delayStartupUntil" in chunk.read_text("utf-8"))
    called = set(re.findall(r"MathJax\.((?:\w+\.)*\w+)\(", plugin)) | set(re.findall(r'\["\w+",MathJax\.(\w+)', plugin))
    assert {"Hub.Config", "Hub.Configured", "Hub.Queue", "Hub.Register.StartupHook"} <= called, called
    stub = (PROJECT_ROOT / "coproduction_kit/server/jupyter/voila/templates/workshop/static/no-typesetting.js").read_text()
    for call in called:
        assert re.search(rf"\b{call.split('.')[-1]}:", stub), f"no-typesetting.js does not define MathJax.{call}"


def front(notebook_path, root_dir, setting=None):
    config = {"fullMathjaxUrl": None, "mathjaxConfig": None, "federated_extensions": []}
    settings = {"contents_manager": SimpleNamespace(root_dir=str(root_dir))}
    given = {} if setting is None else {"front": setting}
    return light_page(config, "/", settings, None, None, notebook_path=notebook_path, **given).get("workshopFront")


def test_the_light_front_end_is_the_default_never_for_mathematics_and_voila_s_on_request(tmp_path):
    modules = PROJECT_ROOT / "modules"
    assert front("payment.ipynb", modules) == "light"  # the default
    assert front("payment.ipynb", modules, "light") == "light"
    assert front("payment.ipynb", modules, "voila") is None  # Voilà's front end, the fallback
    with pytest.raises(ValueError, match="front must be one of"):
        front("payment.ipynb", modules, "lite")
    notebook = nbformat.v4.new_notebook(metadata={"workshop": {"mathematics": True}})
    nbformat.write(notebook, tmp_path / "maths.ipynb")
    assert front("maths.ipynb", tmp_path) is None  # it has no MathJax
    assert front("missing.ipynb", tmp_path) is None


def test_the_co_facilitators_views_follow_the_same_front_end_setting(tmp_path):
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.server.facilitator_app import facilitator_config

    workshop = load_config(tmp_path / "data", workshop_id="views")
    for setting, drawn_by in (("light", "light"), ("voila", None)):
        hook = facilitator_config(workshop, "127.0.0.1", 8870, front=setting).VoilaConfiguration.page_config_hook
        page = room_view_page(hook, "/facilitate/")
        assert page.get("workshopFront") == drawn_by and page["mathjaxConfig"] == "none", setting


def room_view_page(hook, base_url: str) -> dict:
    """The page configuration a views server's ``page_config_hook`` gives the room view."""
    config = {"fullMathjaxUrl": None, "mathjaxConfig": None, "federated_extensions": []}
    views = PROJECT_ROOT / "facilitator_views"
    return hook(config, base_url, {"contents_manager": SimpleNamespace(root_dir=str(views))}, None, None,
                notebook_path="room.ipynb")


def test_the_facilitators_jupyterlab_views_follow_the_same_front_end_setting(tmp_path):
    """`serve --front voila` reaches the facilitators' JupyterLab too: its configuration file, loaded
    as jupyter_server loads it, gives the views Voilà's front end, and the light one by default."""
    from traitlets.config.loader import PyFileConfigLoader

    from coproduction_kit.server.serve import facilitators_config_text

    for setting, drawn_by in (("light", "light"), ("voila", None)):
        (tmp_path / f"{setting}.py").write_text(facilitators_config_text(setting, "a-token"), encoding="utf-8")
        loaded = PyFileConfigLoader(f"{setting}.py", path=str(tmp_path)).load_config()
        assert loaded.IdentityProvider.token == "a-token"
        assert loaded.ServerApp.tornado_settings == {"mathjax_url": None, "mathjax_config": None}
        page = room_view_page(loaded.VoilaConfiguration.page_config_hook, "/")
        assert page.get("workshopFront") == drawn_by and page["mathjaxConfig"] == "none", setting
