"""The kit's processes start without rfc3987_syntax's grammar (core/lean_imports.py), and nothing
they validate needed it."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata

import pytest
import yaml

from coproduction_kit.core.lean_imports import UNUSED

IRI_FORMATS = {"iri", "iri-reference"}
# The packages whose schemas the kit's processes validate: events, notebooks, settings, the hub.
VALIDATORS = ("jupyter_events", "jupyter_server", "nbformat", "jupyterlab_server", "jupyterlab", "voila",
              "nbgrader", "jupyterhub", "jupyter_server_terminals", "notebook_shim")


def imported_after(statement: str) -> dict:
    code = f"import sys; {statement}; import json; print(json.dumps({{n: n in sys.modules and sys.modules[n] is not None for n in {list(UNUSED)!r}}}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


# Every process the kit starts runs a module of one of these packages, whose __init__ leaves the
# grammar out: the servers, page kernels, warm parents, JupyterLab and JupyterHub's single-user
# servers (coproduction_kit.server.app, .facilitator_app, .lean_kernel, .kernel_forks, .lab,
# .singleuser, .hub_service), and the command line.
@pytest.mark.parametrize("package", ["coproduction_kit.server", "coproduction_kit.cli"])
def test_the_kits_processes_leave_the_grammar_out(package):
    assert imported_after(f"import {package}; import nbformat, jupyter_server.serverapp") == dict.fromkeys(UNUSED, False)


def test_without_the_kit_jsonschema_still_imports_it():
    """The guard is the kit's doing, so the test above could fail: plain nbformat imports it here."""
    assert imported_after("import nbformat") == dict.fromkeys(UNUSED, True)


def _formats(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        return found.union(*(_formats(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_formats(value) for value in node))
    return set()


def test_no_schema_these_processes_validate_uses_an_iri_format():
    read = 0
    for package in VALIDATORS:
        try:
            files = metadata.files(metadata.distribution(package.replace("_", "-")).name) or []
        except metadata.PackageNotFoundError:
            continue
        for file in files:
            if file.suffix not in (".json", ".yaml", ".yml") or "schema" not in str(file).lower():
                continue
            text = file.locate().read_text(errors="replace")
            try:
                schema = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
            except (ValueError, yaml.YAMLError):
                continue
            read += 1
            assert not _formats(schema) & IRI_FORMATS, f"{package}: {file} uses an iri format"
    assert read > 20  # the event, notebook and settings schemas were found and read


def test_the_test_processes_leave_it_out_too():
    """pyproject.toml's addopts loads tests/lean_start.py before nbval's plugin imports nbformat."""
    assert all(sys.modules.get(name, "never imported") is None for name in UNUSED)
