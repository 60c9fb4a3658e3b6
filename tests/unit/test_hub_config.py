"""The hub configuration without a hub: roles, per-role server settings, and the Kubernetes files.

The real thing runs in test_hub.py; these check each piece on its own, quickly, including that
the Helm values and the image definition are well formed and agree with the kit.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from coproduction_kit.core.settings import PROJECT_ROOT, load_config
from coproduction_kit.server import hub
from coproduction_kit.server.hub import FACILITATOR, PARTICIPANT, HubSetupError, ParticipantAuthorizer

K8S = PROJECT_ROOT / "hub" / "k8s"
PG = "postgresql+psycopg://workshop@127.0.0.1/workshop"
SERVICE = "http://127.0.0.1:8010/services/workshop/"
# Voilà 0.5.13's standalone list (voila/app.py), written out here on purpose.
VOILA_STANDALONE_MESSAGES = ["comm_open", "comm_close", "comm_msg", "comm_info_request",
                             "kernel_info_request", "shutdown_request"]


def _spawner(*groups: str, environment=None):
    user = SimpleNamespace(groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(user=user, environment=environment if environment is not None else {})


def test_the_facilitators_group_decides_the_role_and_no_spawner_sees_anothers():
    shared = {"WORKSHOP_ID": "w"}  # as a configured dict, shared by every spawner
    hook = hub.make_pre_spawn_hook(facilitator_env={"WORKSHOP_DATA_DIR": "/d", "WORKSHOP_STORE_URL": PG})
    facilitator, participant = _spawner("facilitators", environment=shared), _spawner("other", environment=shared)
    hook(facilitator)
    hook(participant)
    assert facilitator.environment == {"WORKSHOP_ID": "w", "WORKSHOP_ROLE": FACILITATOR,
                                       "WORKSHOP_DATA_DIR": "/d", "WORKSHOP_STORE_URL": PG}
    assert participant.environment == {"WORKSHOP_ID": "w", "WORKSHOP_ROLE": PARTICIPANT}
    assert shared == {"WORKSHOP_ID": "w"}


def test_configure_hub_gives_the_store_and_data_to_the_service_and_facilitators_only(tmp_path):
    c = Config()
    hub.configure_hub(c, data_dir=tmp_path, store_url=PG, workshop_id="spring-2027", facilitators=["ana"],
                      service_url="http://127.0.0.1:8010")
    assert c.JupyterHub.load_groups == {"facilitators": {"users": ["ana"]}}
    env = c.Spawner.environment
    assert "WORKSHOP_STORE_URL" not in env and "WORKSHOP_DATA_DIR" not in env
    assert env["WORKSHOP_SERVICE_URL"] == "http://127.0.0.1:8010/services/workshop/"
    assert Path(env["JUPYTER_CONFIG_PATH"], "jupyter_server_config.py").is_file()
    [service] = c.JupyterHub.services
    assert service["name"] == "workshop" and service["url"] == "http://127.0.0.1:8010"
    assert service["command"][-2:] == ["-m", "coproduction_kit.server.hub_service"]
    assert PG not in " ".join(service["command"])  # a command line is visible to every local account
    assert service["environment"]["WORKSHOP_STORE_URL"] == PG
    assert service["environment"]["WORKSHOP_DATA_DIR"] == str(tmp_path)
    # Users, and the token each server (and its kernels) holds, may call the service.
    assert "access:services!service=workshop" in c.JupyterHub.extra_user_scopes
    assert set(c.Spawner.server_token_scopes) == {"users:activity!user", "access:servers!server",
                                                  "access:services!service=workshop"}
    facilitator, participant = _spawner("facilitators"), _spawner()
    c.Spawner.pre_spawn_hook(facilitator)
    c.Spawner.pre_spawn_hook(participant)
    assert facilitator.environment["WORKSHOP_STORE_URL"] == PG
    assert "WORKSHOP_STORE_URL" not in participant.environment


@pytest.mark.parametrize("url, workshop_id, message", [
    ("sqlite:///store.sqlite", "w", "must be PostgreSQL"),
    (PG, "not a valid id", "workshop_id must be"),
])
def test_the_hub_refuses_a_store_or_workshop_id_it_cannot_use(tmp_path, url, workshop_id, message):
    with pytest.raises(Exception, match=message):
        hub.configure_hub(Config(), data_dir=tmp_path, store_url=url, workshop_id=workshop_id, facilitators=[])


def test_a_participants_server_is_voila_and_the_start_page_only(tmp_path):
    workshop = load_config(tmp_path, store_url=PG)
    c = hub.singleuser_config(PARTICIPANT, workshop)
    extensions = c.ServerApp.jpserver_extensions
    assert extensions["voila.server_extension"] and extensions["coproduction_kit.server.hub_extension"]
    assert not any(extensions[name] for name in ("jupyterlab", "nbgrader.server_extensions.formgrader",
                                                 "nbgrader.server_extensions.assignment_list"))
    assert c.ServerApp.root_dir == workshop.modules_dir and c.ServerApp.default_url == "/workshop/"
    assert c.ServerApp.authorizer_class is ParticipantAuthorizer and c.ServerApp.terminals_enabled is False
    assert c.VoilaConfiguration.template == "workshop" and c.VoilaConfiguration.show_tracebacks is False
    assert c.ServerApp.tornado_settings["mathjax_url"] is None  # nothing from a CDN
    assert c.ServerApp.tornado_settings["compress_response"] is True  # light pages on a phone (light.py)
    # The page's kernel takes only what Voilà's standalone server lets through: no code.
    assert c.MappingKernelManager.allowed_message_types == VOILA_STANDALONE_MESSAGES


def test_a_facilitators_server_is_jupyterlab_with_formgrader_on_the_course(tmp_path):
    workshop = load_config(tmp_path, workshop_id="spring-2027", store_url=PG)
    c = hub.singleuser_config(FACILITATOR, workshop)
    assert c.ServerApp.default_url == "/lab"
    assert "nbgrader.server_extensions.formgrader" not in c.ServerApp.jpserver_extensions  # left on
    assert c.CourseDirectory.course_id == "spring-2027"
    assert c.CourseDirectory.root == str(workshop.course_dir) and c.Exchange.root == str(workshop.exchange_root)
    assert "allowed_message_types" not in c.MappingKernelManager  # JupyterLab's notebooks run code
    # formgrader needs the course inside JupyterLab's root
    assert not os.path.relpath(workshop.course_dir, c.ServerApp.root_dir).startswith("..")


@pytest.mark.parametrize("action, resource, allowed", [
    ("read", "contents", True), ("execute", "kernels", True), ("write", "kernels", False),
    ("write", "contents", False), ("execute", "terminals", False), ("write", "sessions", False),
])
def test_a_participant_may_use_their_pages_and_change_nothing_through_the_api(action, resource, allowed):
    assert ParticipantAuthorizer().is_authorized(None, None, action, resource) is allowed


def test_the_participants_kernel_messages_are_voilas_standalone_list():
    """Copied from voila/app.py (not importable): a newer Voilà that changes it must be looked at."""
    import inspect

    import voila.app

    source = inspect.getsource(voila.app.Voila.init_settings)
    listed = re.search(r"allowed_message_types=\[(.*?)\]", source, re.S).group(1)
    assert re.findall(r'"(\w+)"', listed) == hub.PARTICIPANT_KERNEL_MESSAGES
    assert "execute_request" not in hub.PARTICIPANT_KERNEL_MESSAGES


def _load_singleuser_file():
    return PyFileConfigLoader("jupyter_server_config.py", path=str(hub.SINGLEUSER_CONFIG_DIR)).load_config()


def test_the_single_user_config_file_applies_the_role_from_the_environment(monkeypatch, tmp_path):
    for name, value in [("JUPYTERHUB_USER", "sam"), ("WORKSHOP_SERVICE_URL", SERVICE),
                        ("WORKSHOP_IDENTITY", "cookie"), ("JUPYTER_PATH", "")]:
        monkeypatch.setenv(name, value)
    for name in ("WORKSHOP_ROLE", "WORKSHOP_DATA_DIR", "WORKSHOP_STORE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert _load_singleuser_file().ServerApp.default_url == "/workshop/"
    assert os.environ["WORKSHOP_IDENTITY"] == "hub"  # kernels started by this server inherit it
    assert os.environ["JUPYTER_PATH"].split(os.pathsep)[0].endswith("jupyter")  # the workshop template
    monkeypatch.setenv("WORKSHOP_ROLE", "facilitator")
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WORKSHOP_STORE_URL", PG)
    assert _load_singleuser_file().ServerApp.default_url == "/lab"


@pytest.mark.parametrize("environment, active", [
    ({"JUPYTERHUB_USER": "sam", "WORKSHOP_IDENTITY": "hub", "WORKSHOP_ROLE": "participant"}, True),
    ({"JUPYTERHUB_USER": "sam", "WORKSHOP_IDENTITY": "hub"}, True),
    ({"JUPYTERHUB_USER": "ana", "WORKSHOP_IDENTITY": "hub", "WORKSHOP_ROLE": "facilitator"}, False),
    ({"JUPYTERHUB_USER": "sam"}, False),  # another hub's server, without the kit's settings
    ({"WORKSHOP_IDENTITY": "hub"}, False),  # not started by a hub: a facilitator's laptop
    ({}, False),
])
def test_the_start_page_extension_works_only_in_a_participants_hub_server(monkeypatch, environment, active):
    """Installing the kit switches it on in every server of the environment (jupyter-config/)."""
    from coproduction_kit.server import hub_extension

    for name in ("JUPYTERHUB_USER", "WORKSHOP_IDENTITY", "WORKSHOP_ROLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    added = []
    app = SimpleNamespace(web_app=SimpleNamespace(add_handlers=lambda host, handlers: added.extend(handlers),
                                                  settings={"base_url": "/user/sam/"}),
                          log=SimpleNamespace(info=lambda *a: None))
    if active:
        monkeypatch.setenv("WORKSHOP_SERVICE_URL", SERVICE)
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t")
    hub_extension._load_jupyter_server_extension(app)
    assert hub_extension.in_participants_hub_server() is active
    assert bool(added) is active


@pytest.mark.parametrize("change, message", [
    ({"JUPYTERHUB_USER": None}, "no JUPYTERHUB_USER"),
    ({"WORKSHOP_ROLE": "admin"}, "WORKSHOP_ROLE must be"),
    ({"WORKSHOP_SERVICE_URL": None}, "WORKSHOP_SERVICE_URL must name"),
    # A participant's server handed the store's login or the data folder refuses to start.
    ({"WORKSHOP_STORE_URL": PG}, "must not be given WORKSHOP_STORE_URL"),
    ({"WORKSHOP_DATA_DIR": "/srv/workshop-data"}, "must not be given WORKSHOP_DATA_DIR"),
    ({"WORKSHOP_ROLE": "facilitator", "WORKSHOP_STORE_URL": "sqlite:///x.sqlite"}, "PostgreSQL"),
])
def test_a_single_user_server_set_up_wrongly_says_what_to_set(monkeypatch, tmp_path, change, message):
    for name, value in {"JUPYTERHUB_USER": "sam", "WORKSHOP_SERVICE_URL": SERVICE, "WORKSHOP_DATA_DIR": None,
                        "WORKSHOP_STORE_URL": None, "WORKSHOP_ROLE": "participant", "WORKSHOP_IDENTITY": "cookie",
                        **change}.items():
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


@pytest.fixture(scope="module")
def service_manifest():
    """hub/k8s/workshop-service.yaml by kind: the Deployment, the Service, the NetworkPolicy."""
    documents = yaml.safe_load_all((K8S / "workshop-service.yaml").read_text(encoding="utf-8"))
    return {d["kind"]: d for d in documents}


def _run_hook(values, *groups):
    code = values["hub"]["extraConfig"]["workshop-roles"]
    c = Config()
    exec(compile(code, "hub.extraConfig.workshop-roles", "exec"), {"c": c})
    spawner = _spawner(*groups, environment={"WORKSHOP_ID": "w"})
    spawner.volumes, spawner.volume_mounts, spawner.extra_labels = [], [], {}
    c.KubeSpawner.pre_spawn_hook(spawner)
    return spawner


def test_the_hub_hook_in_the_helm_values_gives_only_facilitators_the_data_and_the_store(values, service_manifest):
    participant = _run_hook(values)
    assert participant.environment == {"WORKSHOP_ID": "w", hub.ROLE_ENV: PARTICIPANT}
    assert participant.volumes == participant.volume_mounts == [] and participant.extra_labels == {}

    facilitator = _run_hook(values, "facilitators")
    env = facilitator.environment
    assert env[hub.ROLE_ENV] == FACILITATOR
    assert env["WORKSHOP_STORE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "workshop-store", "key": "url"}
    [volume], [mount] = facilitator.volumes, facilitator.volume_mounts
    assert volume == {"name": "workshop-data", "persistentVolumeClaim": {"claimName": "workshop-data"}}
    assert mount == {"name": "workshop-data", "mountPath": env["WORKSHOP_DATA_DIR"]}
    # The database's NetworkPolicy opens to the pods the hook labels.
    policy = service_manifest["NetworkPolicy"]["spec"]["podSelector"]["matchLabels"]
    assert policy.items() <= facilitator.extra_labels.items()


def test_participants_pods_get_no_shared_volume_and_no_store_only_the_service(values, service_manifest):
    single = values["singleuser"]
    env = single["extraEnv"]
    assert "WORKSHOP_STORE_URL" not in env and "WORKSHOP_DATA_DIR" not in env
    assert "extraVolumes" not in single["storage"] and "extraVolumeMounts" not in single["storage"]
    assert single["storage"]["type"] == "none"
    load_config("/nowhere", workshop_id=env["WORKSHOP_ID"])  # a workshop id the kit accepts
    # The hub registers the service where the manifest's Service answers; servers call it there.
    url = values["hub"]["services"][hub.SERVICE_NAME]["url"]
    service = service_manifest["Service"]
    assert url == f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}"
    assert env["WORKSHOP_SERVICE_URL"] == hub.service_api_url(url)
    # Their servers' tokens (and so their kernels') may call it, as on one machine.
    assert values["hub"]["config"]["KubeSpawner"]["server_token_scopes"] == hub.SERVER_TOKEN_SCOPES
    assert hub.SERVICE_SCOPE in values["hub"]["config"]["JupyterHub"]["extra_user_scopes"]
    # The chart's network policy lets servers reach the service's pods on its port, and no more.
    [rule] = single["networkPolicy"]["egress"]
    pods = service_manifest["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert rule["to"][0]["podSelector"]["matchLabels"].items() <= pods.items()
    assert rule["ports"][0]["port"] == service["spec"]["ports"][0]["targetPort"]


def test_the_service_runs_from_the_kits_image_with_the_store_the_data_and_its_hub_token(values, service_manifest):
    deployment = service_manifest["Deployment"]["spec"]
    [container] = deployment["template"]["spec"]["containers"]
    image = values["singleuser"]["image"]
    assert container["image"] == f"{image['name']}:{image['tag']}"
    assert container["command"][-2:] == ["-m", "coproduction_kit.server.hub_service"]
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    hook_env = _run_hook(values, "facilitators").environment
    assert env["WORKSHOP_STORE_URL"] == hook_env["WORKSHOP_STORE_URL"]["valueFrom"]
    assert env["WORKSHOP_DATA_DIR"] == hook_env["WORKSHOP_DATA_DIR"]
    assert env["WORKSHOP_ID"] == values["singleuser"]["extraEnv"]["WORKSHOP_ID"]
    assert env["JUPYTERHUB_SERVICE_NAME"] == hub.SERVICE_NAME
    assert env["JUPYTERHUB_SERVICE_PREFIX"] == f"/services/{hub.SERVICE_NAME}/"
    # The chart keeps each service's token in its Secret "hub" under this key.
    assert env["JUPYTERHUB_API_TOKEN"]["secretKeyRef"] == {"name": "hub",
                                                          "key": f"hub.services.{hub.SERVICE_NAME}.apiToken"}
    port = int(env["WORKSHOP_SERVICE_BIND_URL"].rsplit(":", 1)[1])
    assert port == container["ports"][0]["containerPort"] == service_manifest["Service"]["spec"]["ports"][0]["targetPort"]
    [mount] = container["volumeMounts"]
    [volume] = deployment["template"]["spec"]["volumes"]
    assert mount["mountPath"] == env["WORKSHOP_DATA_DIR"] and volume["persistentVolumeClaim"]["claimName"] == "workshop-data"
    # The chart's NetworkPolicy lets it reach the hub's API (to learn whose token it is).
    assert deployment["template"]["metadata"]["labels"]["hub.jupyter.org/network-access-hub"] == "true"


def test_the_image_installs_the_kit_and_runs_the_single_user_server(dockerfile, values):
    instructions = [(i["instruction"], i["value"]) for i in dockerfile.structure]
    assert dockerfile.baseimage.startswith("python:3.11")
    assert ("COPY", "--chown=1000:100 . /srv/workshop-kit") in instructions
    installs = [shlex.split(v) for k, v in instructions if k == "RUN" and "pip install" in v]
    assert any("/srv/workshop-kit[hub]" in words for words in installs)
    assert "WORKSHOP_DATA_DIR" not in dockerfile.envs  # a participant's server must not have one
    assert ("USER", "1000") in instructions
    assert json.loads(dockerfile.cmd) == values["singleuser"]["cmd"] == ["python", "-m", "coproduction_kit.server.singleuser"]


def test_the_image_and_the_values_point_at_the_kits_single_user_settings(dockerfile, values):
    path = dockerfile.envs["JUPYTER_CONFIG_PATH"]
    assert path == values["singleuser"]["extraEnv"]["JUPYTER_CONFIG_PATH"]
    in_repository = PROJECT_ROOT / Path(path).relative_to("/srv/workshop-kit")
    assert in_repository == hub.SINGLEUSER_CONFIG_DIR and (in_repository / "jupyter_server_config.py").is_file()


def test_the_image_leaves_out_environments_and_workshop_data():
    ignored = [line for line in (K8S / "Dockerfile.dockerignore").read_text().splitlines()
               if line and not line.startswith("#")]
    assert {".venv", "workshop-data"} <= set(ignored)


def test_the_proxy_waits_for_the_progress_of_a_server_as_long_as_the_server_may_take_to_start(monkeypatch, tmp_path):
    """The Python proxy hands on a response once it is complete; the page a person watches while
    their server starts reads the hub's progress stream, open until the server is up. With the
    proxy's default 20 s, a server slower than that left the person's page waiting for ever."""
    from configurable_http_proxy import cli

    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WORKSHOP_STORE_URL", PG)
    monkeypatch.setenv("WORKSHOP_FACILITATORS", "ana")
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(PROJECT_ROOT / "hub")).load_config()
    command = config.ConfigurableHTTPProxy.command
    [timeout] = [int(arg.split("=", 1)[1]) for arg in command[1:] if arg.startswith("--proxy-timeout=")]
    assert timeout / 1000 > config.Spawner.start_timeout >= 60
    # ... and the proxy reads it as its request timeout (in ms; it turns it into seconds).
    assert cli.main.make_context("configurable-http-proxy", command[1:]).params["proxy_timeout"] == timeout
