"""The hub configuration without a hub: roles, per-role server settings, and the Kubernetes files.

The real thing runs in test_hub.py; these check each piece on its own, quickly, including that
the Helm values and the image definition are well formed and agree with the kit.
"""

from __future__ import annotations

import io
import json
import os
import shlex
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from widgets.config import PROJECT_ROOT, load_config
from workshop import hub
from workshop.hub import FACILITATOR, PARTICIPANT, HubSetupError, ParticipantAuthorizer

K8S = PROJECT_ROOT / "hub" / "k8s"
PG = "postgresql+psycopg://workshop@127.0.0.1/workshop"


def _spawner(*groups: str, environment=None):
    user = SimpleNamespace(groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(user=user, environment=environment if environment is not None else {})


def test_the_facilitators_group_decides_the_role_and_no_spawner_sees_anothers():
    shared = {"WORKSHOP_ID": "w"}  # as a configured dict, shared by every spawner
    hook = hub.make_pre_spawn_hook()
    facilitator, participant = _spawner("facilitators", environment=shared), _spawner("other", environment=shared)
    hook(facilitator)
    hook(participant)
    assert facilitator.environment == {"WORKSHOP_ID": "w", "WORKSHOP_ROLE": FACILITATOR}
    assert participant.environment == {"WORKSHOP_ID": "w", "WORKSHOP_ROLE": PARTICIPANT}
    assert shared == {"WORKSHOP_ID": "w"}


def test_configure_hub_gives_every_server_the_workshop(tmp_path):
    c = Config()
    hub.configure_hub(c, data_dir=tmp_path, store_url=PG, workshop_id="spring-2027", facilitators=["ana"])
    assert c.JupyterHub.load_groups == {"facilitators": {"users": ["ana"]}}
    assert c.Spawner.environment["WORKSHOP_STORE_URL"] == PG
    assert c.Spawner.environment["WORKSHOP_DATA_DIR"] == str(tmp_path)
    assert Path(c.Spawner.environment["JUPYTER_CONFIG_PATH"], "jupyter_server_config.py").is_file()
    assert callable(c.Spawner.pre_spawn_hook)


@pytest.mark.parametrize("url, workshop_id, message", [
    ("sqlite:///store.sqlite", "w", "must be PostgreSQL"),
    (PG, "not a valid id", "workshop_id must be"),
])
def test_the_hub_refuses_a_store_or_workshop_id_it_cannot_use(tmp_path, url, workshop_id, message):
    with pytest.raises(Exception, match=message):
        hub.singleuser_environment(tmp_path, url, workshop_id)


def test_a_participants_server_is_voila_and_the_start_page_only(tmp_path):
    workshop = load_config(tmp_path, store_url=PG)
    c = hub.singleuser_config(PARTICIPANT, workshop)
    extensions = c.ServerApp.jpserver_extensions
    assert extensions["voila.server_extension"] and extensions["workshop.hub_extension"]
    assert not any(extensions[name] for name in ("jupyterlab", "nbgrader.server_extensions.formgrader",
                                                 "nbgrader.server_extensions.assignment_list"))
    assert c.ServerApp.root_dir == workshop.modules_dir and c.ServerApp.default_url == "/workshop/"
    assert c.ServerApp.authorizer_class is ParticipantAuthorizer and c.ServerApp.terminals_enabled is False
    assert c.VoilaConfiguration.template == "workshop" and c.VoilaConfiguration.show_tracebacks is False
    assert c.ServerApp.tornado_settings["mathjax_url"] is None  # nothing from a CDN


def test_a_facilitators_server_is_jupyterlab_with_formgrader_on_the_course(tmp_path):
    workshop = load_config(tmp_path, workshop_id="spring-2027", store_url=PG)
    c = hub.singleuser_config(FACILITATOR, workshop)
    assert c.ServerApp.default_url == "/lab"
    assert "nbgrader.server_extensions.formgrader" not in c.ServerApp.jpserver_extensions  # left on
    assert c.CourseDirectory.course_id == "spring-2027"
    assert c.CourseDirectory.root == str(workshop.course_dir) and c.Exchange.root == str(workshop.exchange_root)
    # formgrader needs the course inside JupyterLab's root
    assert not os.path.relpath(workshop.course_dir, c.ServerApp.root_dir).startswith("..")


@pytest.mark.parametrize("action, resource, allowed", [
    ("read", "contents", True), ("execute", "kernels", True), ("write", "kernels", False),
    ("write", "contents", False), ("execute", "terminals", False), ("write", "sessions", False),
])
def test_a_participant_may_use_their_pages_and_change_nothing_through_the_api(action, resource, allowed):
    assert ParticipantAuthorizer().is_authorized(None, None, action, resource) is allowed


def _load_singleuser_file():
    return PyFileConfigLoader("jupyter_server_config.py", path=str(hub.SINGLEUSER_CONFIG_DIR)).load_config()


def test_the_single_user_config_file_applies_the_role_from_the_environment(monkeypatch, tmp_path):
    for name, value in [("JUPYTERHUB_USER", "sam"), ("WORKSHOP_DATA_DIR", str(tmp_path)),
                        ("WORKSHOP_STORE_URL", PG), ("WORKSHOP_IDENTITY", "cookie"), ("JUPYTER_PATH", "")]:
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WORKSHOP_ROLE", raising=False)
    assert _load_singleuser_file().ServerApp.default_url == "/workshop/"
    assert os.environ["WORKSHOP_IDENTITY"] == "hub"  # kernels started by this server inherit it
    assert os.environ["JUPYTER_PATH"].split(os.pathsep)[0].endswith("jupyter")  # the workshop template
    monkeypatch.setenv("WORKSHOP_ROLE", "facilitator")
    assert _load_singleuser_file().ServerApp.default_url == "/lab"


@pytest.mark.parametrize("change, message", [
    ({"JUPYTERHUB_USER": None}, "no JUPYTERHUB_USER"),
    ({"WORKSHOP_ROLE": "admin"}, "WORKSHOP_ROLE must be"),
    ({"WORKSHOP_STORE_URL": "sqlite:///x.sqlite"}, "PostgreSQL"),
])
def test_a_single_user_server_set_up_wrongly_says_what_to_set(monkeypatch, tmp_path, change, message):
    for name, value in {"JUPYTERHUB_USER": "sam", "WORKSHOP_DATA_DIR": str(tmp_path), "WORKSHOP_STORE_URL": PG,
                        "WORKSHOP_ROLE": "participant", "WORKSHOP_IDENTITY": "cookie", **change}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("JUPYTER_PATH", "")
    with pytest.raises(HubSetupError, match=message):
        hub.load_singleuser_config()


# Zero to JupyterHub on Kubernetes ---------------------------------------------------------------

@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((K8S / "values.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfile():
    from dockerfile_parse import DockerfileParser

    return DockerfileParser(fileobj=io.BytesIO((K8S / "Dockerfile").read_bytes()))


def test_helm_values_name_the_facilitators_group_the_kit_uses(values):
    groups = values["hub"]["config"]["JupyterHub"]["load_groups"]
    assert list(groups) == [hub.FACILITATORS_GROUP] and groups[hub.FACILITATORS_GROUP]["users"]


def test_the_hub_hook_in_the_helm_values_compiles_and_sets_each_role(values):
    code = values["hub"]["extraConfig"]["workshop-roles"]
    c = Config()
    exec(compile(code, "hub.extraConfig.workshop-roles", "exec"), {"c": c})
    hook = c.KubeSpawner.pre_spawn_hook
    for groups, role in [(("facilitators",), FACILITATOR), ((), PARTICIPANT)]:
        spawner = _spawner(*groups, environment={"WORKSHOP_ID": "w"})
        hook(spawner)
        assert spawner.environment == {"WORKSHOP_ID": "w", hub.ROLE_ENV: role}


def test_helm_values_give_servers_the_store_secret_and_the_shared_folder(values):
    single = values["singleuser"]
    env = single["extraEnv"]
    assert env["WORKSHOP_STORE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "workshop-store", "key": "url"}
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in single["storage"]["extraVolumes"]}
    assert mounts["workshop-data"] == env["WORKSHOP_DATA_DIR"] and claims["workshop-data"] == "workshop-data"
    load_config(env["WORKSHOP_DATA_DIR"], workshop_id=env["WORKSHOP_ID"])  # a workshop id the kit accepts


def test_the_image_installs_the_kit_and_runs_the_single_user_server(dockerfile, values):
    instructions = [(i["instruction"], i["value"]) for i in dockerfile.structure]
    assert dockerfile.baseimage.startswith("python:3.11")
    assert ("COPY", "--chown=1000:100 . /srv/workshop-kit") in instructions
    installs = [shlex.split(v) for k, v in instructions if k == "RUN" and "pip install" in v]
    assert any("/srv/workshop-kit[hub]" in words for words in installs)
    assert dockerfile.envs["WORKSHOP_DATA_DIR"] == values["singleuser"]["extraEnv"]["WORKSHOP_DATA_DIR"]
    assert ("USER", "1000") in instructions
    assert json.loads(dockerfile.cmd) == [values["singleuser"]["cmd"]] == ["jupyterhub-singleuser"]


def test_the_image_and_the_values_point_at_the_kits_single_user_settings(dockerfile, values):
    path = dockerfile.envs["JUPYTER_CONFIG_PATH"]
    assert path == values["singleuser"]["extraEnv"]["JUPYTER_CONFIG_PATH"]
    in_repository = PROJECT_ROOT / Path(path).relative_to("/srv/workshop-kit")
    assert in_repository == hub.SINGLEUSER_CONFIG_DIR and (in_repository / "jupyter_server_config.py").is_file()


def test_the_image_leaves_out_environments_and_workshop_data():
    ignored = [line for line in (K8S / "Dockerfile.dockerignore").read_text().splitlines()
               if line and not line.startswith("#")]
    assert {".venv", "workshop-data"} <= set(ignored)
