"""House rules the repository itself must keep."""

import json
import tomllib

import yaml

from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.core.curriculum import load_curriculum


def test_module_notebooks_are_committed_without_outputs_or_widget_state():
    notebooks = sorted((PROJECT_ROOT / "modules").glob("*.ipynb")) + sorted(
        (PROJECT_ROOT / "facilitator_views").glob("*.ipynb")
    )
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text("utf-8"))
        assert "widgets" not in nb.get("metadata", {}), path
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and cell.get("execution_count") is None, path


def test_module_notebooks_are_thin():
    notebooks = sorted((PROJECT_ROOT / "modules").glob("*.ipynb"))
    assert notebooks, "no module notebooks found: nothing would be checked"
    checked = 0
    for path in notebooks:
        for cell in json.loads(path.read_text("utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code":
                assert "def " not in source and "class " not in source, path
                assert len(source.strip().splitlines()) == 1, f"{path}: {source!r}"
                checked += 1
    assert checked >= len(notebooks), "every module calls the widget library at least once"


def test_a_broken_curriculum_file_is_named_with_its_line(tmp_path):
    from coproduction_kit.core.curriculum import CurriculumError

    (tmp_path / "modules").mkdir()
    (tmp_path / "series.yaml").write_text(
        "schema_version: 1\ntitle: t\nmodules: [{id: m, status: ready}]\n"
        "check_in: {prompt: p}\ndebrief: {prompt: p}\n"
    )
    (tmp_path / "modules" / "m.yaml").write_text("id: m\ntitle: [unclosed\nexercises: []\n")
    try:
        load_curriculum(tmp_path)
    except CurriculumError as err:
        assert str(tmp_path / "modules" / "m.yaml") + ":" in str(err)
        assert ":3:" in str(err) or ":2:" in str(err)
    else:
        raise AssertionError("a broken file was accepted")


def test_environment_yml_installs_from_pyproject():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    assert "python=3.11" in env["dependencies"]
    assert pyproject["project"]["requires-python"] == ">=3.11"
    pip = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert pip == ["-e .[test,hub]"]
    assert "-e '.[test,hub]'" in (PROJECT_ROOT / "Makefile").read_text()  # the same extras as `make`
    assert {"test", "hub"} <= set(pyproject["project"]["optional-dependencies"])


def test_readme_gives_the_two_commands_and_ci_calls_the_test_one():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "make serve" in readme and "make test" in readme
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()


def test_a_participants_kernel_never_imports_pandas():
    """pandas roughly doubles a kernel's memory; only the facilitators' commands may use it."""
    import subprocess
    import sys

    code = ("import sys; from coproduction_kit.widgets import welcome, reflect, budget_planner, payment_calculator; "
            "print(sorted(m for m in ('pandas', 'numpy', 'openpyxl', 'nbgrader', 'jsonschema', 'jinja2', "
            "'coproduction_kit.nbgrader.exchange', 'coproduction_kit.review.templating') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_package_names_its_licence_by_spdx_and_ships_the_text():
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "BSD-3-Clause"
    assert pyproject["project"]["license-files"] == ["LICENSE"]
    assert (PROJECT_ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
