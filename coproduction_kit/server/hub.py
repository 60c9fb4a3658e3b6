"""A cohort on JupyterHub: how the hub starts each person's server, and what that server runs.

Three parts, plain functions so that they can be tested without a hub:

- **The hub side** (``configure_hub``, called from ``hub/jupyterhub_config.py``): the hub starts
  the ``workshop`` service (``hub_service.py``), the only process given the store's URL and the
  data folder (nbgrader course and exchange).  Every single-user server gets the workshop id, the
  service's URL and ``JUPYTER_CONFIG_PATH`` pointing at ``coproduction_kit/server/hub_singleuser/``, and a token
  the service accepts; a spawn hook tells the server its user's role (``WORKSHOP_ROLE``) and gives
  only facilitators' servers the data folder and the store's URL.
- **The single-user side** (``singleuser_config``, loaded by ``hub_singleuser/
  jupyter_server_config.py`` in every single-user server): a participant's server is Voilà as a
  server extension on the module notebooks, the start page at ``/workshop/`` (``hub_extension``),
  the hub user as the participant (``WorkshopConfig.identity = "hub"``), and nothing else: no
  JupyterLab, no terminals, no nbgrader extensions, no writes through Jupyter's REST API, and
  kernels that take only the messages Voilà's standalone server lets through (no code).  A
  facilitator's server is JupyterLab with nbgrader's formgrader on the workshop's course.

Zero to JupyterHub on Kubernetes uses the same single-user side from the kit's image, and runs
the service from the same image (``hub/k8s/``); its hub only sets each server's role and, for
facilitators, their volume and the store's secret (``hub/k8s/values.yaml``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from jupyter_server.auth import Authorizer
from traitlets.config import Config

from coproduction_kit.core.settings import WorkshopConfig, handed_over, load_config
from coproduction_kit.store.client import SERVICE_URL_ENV

from coproduction_kit.server import with_template

ROLE_ENV = "WORKSHOP_ROLE"
PARTICIPANT, FACILITATOR = "participant", "facilitator"
FACILITATORS_GROUP = "facilitators"
# The folder put on JUPYTER_CONFIG_PATH of every single-user server.
SINGLEUSER_CONFIG_DIR = Path(__file__).parent / "hub_singleuser"
START_PAGE = "/workshop/"
# The hub service that alone holds the store and the data folder (hub_service.py).
SERVICE_NAME = "workshop"
SERVICE_SCOPE = f"access:services!service={SERVICE_NAME}"
DEFAULT_SERVICE_URL = "http://127.0.0.1:8010"
# A server's JUPYTERHUB_API_TOKEN: JupyterHub's default ("server" role) plus the workshop service.
SERVER_TOKEN_SCOPES = ["users:activity!user", "access:servers!server", SERVICE_SCOPE]
# The only kernel messages a participant's page may send: what Voilà's standalone server lets
# through (``allowed_message_types`` in ``voila/app.py``, Voilà 0.5.13, not importable from it).
# Not ``execute_request``: Voilà runs the notebook itself, the page only talks to its widgets.
PARTICIPANT_KERNEL_MESSAGES = [
    "comm_open", "comm_close", "comm_msg", "comm_info_request", "kernel_info_request", "shutdown_request",
]

# Server extensions a participant's server must not load: only Voilà and the start page run there.
_PARTICIPANT_OFF = (
    "jupyterlab", "notebook", "jupyter_lsp", "jupyter_server_terminals",
    "nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list", "nbgrader.server_extensions.validate_assignment",
)


class HubSetupError(RuntimeError):
    """The hub or a single-user server is configured wrongly; the message says what to set."""


# The hub side ---------------------------------------------------------------------------------

def role_for(group_names, facilitators_group: str = FACILITATORS_GROUP) -> str:
    return FACILITATOR if facilitators_group in set(group_names) else PARTICIPANT


def make_pre_spawn_hook(facilitators_group: str = FACILITATORS_GROUP, facilitator_env: dict | None = None):
    """A ``Spawner.pre_spawn_hook`` telling the server its user's role, from the hub's groups.

    Only a facilitator's server is also given ``facilitator_env`` (the data folder and the store's
    URL): a participant's server never holds them.
    """

    def pre_spawn_hook(spawner):
        role = role_for((group.name for group in spawner.user.groups), facilitators_group)
        extra = dict(facilitator_env or {}) if role == FACILITATOR else {}
        # A new dict: the configured one may be shared by every spawner.
        spawner.environment = {**spawner.environment, **extra, ROLE_ENV: role}

    return pre_spawn_hook


def check_store_url(store_url: str) -> str:
    if not store_url.startswith("postgresql"):
        raise HubSetupError(
            f"Under JupyterHub the store must be PostgreSQL (postgresql+psycopg://…), not {store_url!r}: "
            "many servers on many machines write to it at once."
        )
    return store_url


def service_api_url(service_url: str) -> str:
    """Where servers find the service's API: its URL and the prefix the hub gives it."""
    return service_url.rstrip("/") + f"/services/{SERVICE_NAME}/"


def singleuser_environment(workshop_id: str, service_url: str) -> dict[str, str]:
    """What every single-user server is given (kernels inherit it): no store login, no data folder."""
    WorkshopConfig(workshop_id=workshop_id)  # refuses a bad workshop id, in plain words
    return {
        "WORKSHOP_ID": workshop_id,
        SERVICE_URL_ENV: service_api_url(service_url),
        "JUPYTER_CONFIG_PATH": str(SINGLEUSER_CONFIG_DIR),
    }


def facilitator_environment(data_dir: str | os.PathLike, store_url: str) -> dict[str, str]:
    """What a facilitator's server adds: the course and exchange, and the store's URL."""
    return {"WORKSHOP_DATA_DIR": str(data_dir), "WORKSHOP_STORE_URL": check_store_url(store_url)}


def service_spec(data_dir: str | os.PathLike, store_url: str, workshop_id: str, service_url: str) -> dict:
    """The ``workshop`` service, started and stopped by the hub: the only holder of the store and data."""
    load_config(data_dir, workshop_id=workshop_id)  # refuses a bad workshop id, in plain words
    return {
        "name": SERVICE_NAME,
        "url": service_url,
        "command": [sys.executable, "-m", "coproduction_kit.server.hub_service"],
        # In its environment only, never on its command line (which every local account can list).
        "environment": {"WORKSHOP_ID": workshop_id, "WORKSHOP_DATA_DIR": str(data_dir),
                        "WORKSHOP_STORE_URL": check_store_url(store_url)},
        "display": False,
    }


def configure_hub(c: Config, *, data_dir, store_url: str, workshop_id: str, facilitators: list[str],
                  service_url: str = DEFAULT_SERVICE_URL, facilitators_group: str = FACILITATORS_GROUP) -> None:
    """The kit's part of a ``jupyterhub_config.py``: the service, environments, roles and scopes."""
    c.JupyterHub.services = [service_spec(data_dir, store_url, workshop_id, service_url)]
    # Every user may use the service (it answers for them alone), and their server's token may too.
    c.JupyterHub.extra_user_scopes = {SERVICE_SCOPE}
    c.Spawner.server_token_scopes = SERVER_TOKEN_SCOPES
    c.Spawner.environment = singleuser_environment(workshop_id, service_url)
    # Participants' servers cannot read workshop_config.py (no data folder): hand them its time zone.
    zone = load_config(data_dir, workshop_id=workshop_id).timezone
    if zone:
        c.Spawner.environment["WORKSHOP_TIMEZONE"] = zone
    c.Spawner.pre_spawn_hook = make_pre_spawn_hook(facilitators_group,
                                                    facilitator_environment(data_dir, store_url))
    c.JupyterHub.load_groups = {facilitators_group: {"users": list(facilitators)}}


# The single-user side -------------------------------------------------------------------------

class ParticipantAuthorizer(Authorizer):
    """A participant may read and use their pages' kernels, and change nothing through the API.

    Voilà starts each page's kernel itself and the page talks to it over the kernel's websocket
    (``execute`` on ``kernels``); starting kernels, writing files, sessions and terminals through
    Jupyter's REST API are refused.
    """

    def is_authorized(self, handler, user, action, resource):
        return action == "read" or (action == "execute" and resource == "kernels")


def singleuser_role() -> str:
    role = os.environ.get(ROLE_ENV, PARTICIPANT)
    if role not in (PARTICIPANT, FACILITATOR):
        raise HubSetupError(f"{ROLE_ENV} must be {PARTICIPANT!r} or {FACILITATOR!r}, not {role!r}")
    return role


def prepare_singleuser_environment() -> None:
    """Make this server and its kernels hub-mode, with the workshop's Voilà template findable."""
    if not os.environ.get("JUPYTERHUB_USER"):
        raise HubSetupError("This configuration is for servers started by JupyterHub (no JUPYTERHUB_USER).")
    os.environ["WORKSHOP_IDENTITY"] = "hub"
    os.environ["JUPYTER_PATH"] = with_template(os.environ.get("JUPYTER_PATH"))


def singleuser_config(role: str, workshop: WorkshopConfig, as_root: bool = False) -> Config:
    """The jupyter_server settings of a participant's or a facilitator's single-user server."""
    from coproduction_kit.server.app import voila_config

    standalone = voila_config(workshop, ip="", port=0, token=None)
    c = Config()
    # Voilà's page settings and kernel handling, as the standalone participants' server has them.
    for section in ("VoilaConfiguration", "MappingKernelManager", "KernelManager"):
        c[section] = standalone[section]
    c.VoilaConfiguration.http_header_envs = []  # no participant cookie behind the hub
    # Voilà's front end loads MathJax from a CDN unless both are None.
    c.ServerApp.tornado_settings = {
        "mathjax_url": None, "mathjax_config": None, **standalone.Voila.tornado_settings,
    }
    c.ServerApp.allow_root = as_root
    if role == PARTICIPANT:
        # The page's kernel runs the notebook, never code sent over its websocket.
        c.MappingKernelManager.allowed_message_types = list(PARTICIPANT_KERNEL_MESSAGES)
        c.ServerApp.jpserver_extensions = {
            "voila.server_extension": True, "coproduction_kit.server.hub_extension": True,
            **{name: False for name in _PARTICIPANT_OFF},
        }
        c.ServerApp.root_dir = workshop.modules_dir
        c.ServerApp.default_url = START_PAGE
        c.ServerApp.terminals_enabled = False
        c.ServerApp.authorizer_class = ParticipantAuthorizer
    else:
        c.ServerApp.jpserver_extensions = {"voila.server_extension": True, "coproduction_kit.server.hub_extension": False}
        # JupyterLab's root holds the facilitator views (in the content) and the course (in the data).
        c.ServerApp.root_dir = os.path.commonpath([Path(workshop.content_dir).resolve(), Path(workshop.data_dir).resolve()])
        c.ServerApp.default_url = "/lab"
        c.VoilaConfiguration.show_tracebacks = True
        # formgrader reads the course from here (as `workshop prepare`'s nbgrader_config.py says).
        c.CourseDirectory.root = str(workshop.course_dir)
        c.CourseDirectory.course_id = workshop.workshop_id
        c.Exchange.root = str(workshop.exchange_root)
    return c


def load_singleuser_config() -> Config:
    """Everything ``hub_singleuser/jupyter_server_config.py`` applies, from this server's environment."""
    prepare_singleuser_environment()
    role = singleuser_role()
    if not os.environ.get(SERVICE_URL_ENV):
        raise HubSetupError(f"{SERVICE_URL_ENV} must name the workshop service (see coproduction_kit/server/hub.py).")
    if role == PARTICIPANT:
        given = handed_over().WorkshopConfig
        held = [name for name, setting in (("WORKSHOP_STORE_URL", "store_url"), ("WORKSHOP_DATA_DIR", "data_dir"))
                if setting in given]
        if held:
            # Code a participant runs here could read them: refuse rather than hand them out.
            raise HubSetupError(f"A participant's server must not be given {' or '.join(held)}: only the "
                                "workshop service and facilitators hold them (see hub/README.md).")
    workshop = load_config()
    if role == FACILITATOR and not workshop.store_url.startswith("postgresql"):
        raise HubSetupError("WORKSHOP_STORE_URL must name the cohort's PostgreSQL store (postgresql+psycopg://…).")
    return singleuser_config(role, workshop, as_root=os.geteuid() == 0)
