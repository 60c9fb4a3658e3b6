"""The kit as a programme installs it: built into a wheel, installed (not editable) in a folder of
its own, and run from a workshop folder made by ``workshop init``, outside the repository.

``pip install --target`` puts the Jupyter data where a prefix install would put it under the
environment (``share/jupyter``, ``etc/jupyter``), but inside the target; the test puts those two
folders on Jupyter's paths, as an environment's own are.  The dependencies come from the test's
environment; the kit itself only from the wheel.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import psutil
import pytest

from tests.helpers import Visitor, free_port, kernel_environment, link_after, status_of, stop_serve as stop
from tests.integration.test_voila_render import CELL_ERROR
from coproduction_kit.core.content import FOLDERS
from coproduction_kit.core.settings import PROJECT_ROOT

pytestmark = [pytest.mark.package, pytest.mark.server, pytest.mark.nbgrader]

TEMPLATE = "share/jupyter/voila/templates/workshop"
SWITCH = "etc/jupyter/jupyter_server_config.d/coproduction_kit.json"
EXTENSION = "coproduction_kit.server.hub_extension"
# In the workshop template only (its workshop.css, inlined by index.html.j2), not in Voilà's own.
TEMPLATE_MARK = "#rendered_cells { max-width: 52rem"


def build_wheel(source: Path, out: Path) -> Path:
    """``pip wheel`` of ``source``; without build isolation when the backend is installed here."""
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(out),
                    str(source)], check=True, capture_output=True, text=True)
    [wheel] = out.glob("*.whl")
    return wheel


def content_files() -> set[str]:
    """The content folders' files as the repository has them."""
    return {
        str(path.relative_to(PROJECT_ROOT))
        for folder in FOLDERS for path in (PROJECT_ROOT / folder).rglob("*")
        if path.is_file() and not {"__pycache__", ".ipynb_checkpoints"} & set(path.parts)
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(PROJECT_ROOT, tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict[str, str]:
    """The environment of a process that runs the kit installed from the wheel."""
    target = tmp_path_factory.mktemp("installed")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)
    env = {name: value for name, value in os.environ.items() if not name.startswith(("WORKSHOP_", "JUPYTER"))}
    env.update(PYTHONPATH=str(target), JUPYTER_PATH=str(target / "share" / "jupyter"),
               JUPYTER_CONFIG_PATH=str(target / "etc" / "jupyter"))
    return env


def kit(env, cwd, *args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "coproduction_kit.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_wheel_holds_the_kit_its_content_and_jupyter_data_and_nothing_generic(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    data = "coproduction_workshop_kit-0.1.0.data/data/"
    assert {name.split("/")[0] for name in names} == {
        "coproduction_kit", "coproduction_workshop_kit-0.1.0.dist-info", data.split("/")[0]}
    assert {name.removeprefix("coproduction_kit/content/") for name in names
            if name.startswith("coproduction_kit/content/")} == content_files()
    assert {name.removeprefix(data) for name in names if name.startswith(data)} == {
        f"{TEMPLATE}/conf.json", f"{TEMPLATE}/index.html.j2", f"{TEMPLATE}/workshop.css",
        f"{TEMPLATE}/static/no-typesetting.js",
        # the light front end (front/, built and committed; used unless `--front voila`) and its licences
        f"{TEMPLATE}/static/light-front.js", f"{TEMPLATE}/static/light-front.css",
        f"{TEMPLATE}/static/light-front.js.LEGAL.txt", f"{TEMPLATE}/static/light-front.sources", SWITCH}
    assert not any(name.startswith("coproduction_kit/server/jupyter/") for name in names)  # Jupyter data only
    assert "coproduction_kit/server/templates/landing.html" in names
    assert "coproduction_kit/server/hub_singleuser/jupyter_server_config.py" in names
    metadata = zipfile.ZipFile(wheel).read("coproduction_workshop_kit-0.1.0.dist-info/METADATA").decode()
    assert "License-Expression: BSD-3-Clause" in metadata
    assert "coproduction_workshop_kit-0.1.0.dist-info/licenses/LICENSE" in names
    switch = json.loads(zipfile.ZipFile(wheel).read(data + SWITCH))
    assert switch == {"ServerApp": {"jpserver_extensions": {EXTENSION: True}}}


def test_the_sdist_holds_what_the_wheel_is_built_from(wheel, tmp_path):
    pytest.importorskip("hatchling")  # the backend, to make the sdist without a network
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(tmp_path)],
                   cwd=PROJECT_ROOT, check=True, capture_output=True, text=True)
    [sdist] = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    [source] = (tmp_path / "unpacked").iterdir()
    again = build_wheel(source, tmp_path / "again")
    assert sorted(zipfile.ZipFile(again).namelist()) == sorted(zipfile.ZipFile(wheel).namelist())


def test_an_editable_install_reads_the_checkout_and_copies_no_content(tmp_path):
    """A coproduction_kit/ folder of content in site-packages would hide the checkout's package."""
    pytest.importorskip("hatchling")
    pytest.importorskip("editables")  # hatchling's editable installs need it; pip installs it with them
    subprocess.run([sys.executable, "-c", f"from hatchling.build import build_editable; build_editable({str(tmp_path)!r})"],
                   cwd=PROJECT_ROOT, check=True, capture_output=True, text=True)
    [editable] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(editable).namelist()
    assert not any(name.startswith("coproduction_kit/") for name in names), names
    assert f"coproduction_workshop_kit-0.1.0.data/data/{TEMPLATE}/index.html.j2" in names


def test_init_check_prepare_and_serve_run_on_a_workshop_folder_of_its_own(installed, tmp_path):
    env, folder = installed, tmp_path / "our-workshop"
    where = subprocess.run([sys.executable, "-c", "import coproduction_kit; print(coproduction_kit.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(env["PYTHONPATH"])  # the installed kit, not the repository's

    made = kit(env, tmp_path, "init", folder.name)
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted([*FOLDERS, "README.md"])
    assert "workshop serve" in (folder / "README.md").read_text()
    again = kit(env, tmp_path, "init", folder.name)
    assert again.returncode == 1 and "already has curriculum" in again.stderr

    # The programme makes the content its own; serve, check and prepare then use it.
    series = folder / "curriculum" / "series.yaml"
    series.write_text(series.read_text().replace('title: "Co-producing psychiatric education"',
                                                 'title: "Our own programme"', 1))
    module = folder / "curriculum" / "modules" / "orientation.yaml"
    module.write_text(module.read_text().replace("Is there an agreement you would add for this series?",
                                                 "Which agreement would our programme add?", 1))
    notebook = folder / "modules" / "orientation.ipynb"
    cells = json.loads(notebook.read_text())
    cells["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": ["Adapted by our programme."]})
    notebook.write_text(json.dumps(cells, indent=1))

    guides = kit(env, folder, "guides")  # a changed prompt changes the guide's timing table
    assert guides.returncode == 0, guides.stdout + guides.stderr
    checked = kit(env, folder, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"under {folder}" in checked.stdout

    # `serve` on the workshop's first day prepares the course itself (the only test where it starts
    # from nothing; the others start from a course prepared once for the run).
    process = subprocess.Popen(
        [sys.executable, "-m", "coproduction_kit.cli", "serve", "--room", "0",
         "--port", str(free_port()), "--facilitator-port", str(free_port())],
        cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not any("Press Ctrl+C" in line for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
        assert any("Press Ctrl+C" in line for line in lines), "\n".join(lines)
        assert any("orientation: writing the reflection notebook for nbgrader" in line for line in lines), lines
        source = folder / "workshop-data" / "course" / "source" / "orientation" / "orientation.ipynb"
        assert "Which agreement would our programme add?" in source.read_text()
        participant = Visitor(link_after(lines, "Participant link"))
        status, page = participant.get("")
        assert status == 200 and "Our own programme" in page
        participant.post("", pseudonym="installed-kit")
        status, page = participant.get("voila/render/orientation.ipynb")
        assert status == 200 and CELL_ERROR not in page and "Traceback" not in page
        assert TEMPLATE_MARK in page  # the workshop template, found in share/jupyter
        assert "Adapted by our programme." in page
        # The page's kernel reads the workshop folder's curriculum, though it starts in modules/.
        kernels = [p for p in psutil.Process(process.pid).children(recursive=True)
                   if "coproduction_kit.server.lean_kernel" in " ".join(p.cmdline())]
        assert kernels and all(kernel_environment(p).get("WORKSHOP_CURRICULUM_DIR") == str(folder / "curriculum")
                               for p in kernels)

        # The facilitators' JupyterLab: the views of the workshop folder, in the workshop template;
        # the installed switch turns the hub extension on, and it leaves this server as it was.
        facilitator = link_after(lines, "Facilitator link")
        views = link_after(lines, "Room view")
        assert "/voila/render/facilitator_views/room.ipynb" in views
        with urllib.request.urlopen(views, timeout=120) as response:
            room = response.read().decode()
        assert TEMPLATE_MARK in room and CELL_ERROR not in room
        token = facilitator.split("token=")[1]
        assert status_of(facilitator.split("lab?")[0] + f"workshop/?token={token}")[0] == 404
        said = [line for line in (folder / "workshop-data" / "logs" / "facilitators.log").read_text().splitlines()
                if EXTENSION in line]
        assert any("successfully linked" in line for line in said)  # the installed switch is read
        assert all(line.startswith("[I ") for line in said), said  # no warning, no error
    finally:
        stop(process)
    assert (folder / "workshop-data" / "store.sqlite").is_file()
    # `workshop prepare` afterwards finds every module ready, and says so.
    prepared = kit(env, folder, "prepare")
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    assert "orientation: ready (its reflection notebook has not changed)" in prepared.stdout, prepared.stdout

