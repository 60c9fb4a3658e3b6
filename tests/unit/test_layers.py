"""The house's rule, checked: each layer of coproduction_kit imports only the layers below it, no
package's modules import each other in a circle, and the report's page imports nothing of the
computation it draws (the contracts are in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_layers_and_the_absence_of_circles_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_contracts_catch_an_upward_import(tmp_path):
    """A core module importing a widget breaks the layers contract (the check can fail)."""
    import shutil

    copy = tmp_path / "kit"
    shutil.copytree(ROOT / "coproduction_kit", copy / "coproduction_kit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    with open(copy / "coproduction_kit" / "core" / "stats.py", "a") as stats:
        stats.write("\nfrom coproduction_kit.widgets import exercise  # noqa\n")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=copy, capture_output=True, text=True,
                            env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "coproduction_kit.core is not allowed to import coproduction_kit.widgets" in result.stdout
