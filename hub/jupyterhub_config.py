"""JupyterHub for a workshop cohort on one machine (the Kubernetes version is in hub/k8s/).

Every person gets their own server: participants land on the workshop's start page and work in
Voilà pages, with their hub username as their identity; the facilitators' group gets JupyterLab
with nbgrader's formgrader on the workshop's course. The answers go to PostgreSQL, through the
hub's "workshop" service: the only process given the store's URL and the data folder (with
facilitators' servers). See hub/README.md; the kit's part of the configuration is coproduction_kit/server/hub.py.

    WORKSHOP_DATA_DIR=/srv/workshop \\
    WORKSHOP_STORE_URL=postgresql+psycopg://workshop:SECRET@127.0.0.1/workshop \\
    WORKSHOP_FACILITATORS=ana,ben \\
    .venv/bin/jupyterhub -f hub/jupyterhub_config.py

The store's URL and the data folder go to the "workshop" service (at WORKSHOP_SERVICE_URL, by
default http://127.0.0.1:8010) and to facilitators' servers only; see coproduction_kit/server/hub.py.

Choose an authenticator (and who may log in) for your institution before opening it to anyone:
this file leaves JupyterHub's default, PAM (the machine's own accounts), in place.
"""

import os
import sys
from pathlib import Path

from coproduction_kit.server.hub import DEFAULT_SERVICE_URL, HubSetupError, configure_hub

c = get_config()  # noqa: F821 (given by JupyterHub when it loads this file)


def _setting(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if not value:
        raise HubSetupError(f"Set {name} before starting the hub (see hub/README.md).")
    return value


data_dir = Path(_setting("WORKSHOP_DATA_DIR")).resolve()
configure_hub(
    c,
    data_dir=data_dir,
    store_url=_setting("WORKSHOP_STORE_URL"),
    workshop_id=_setting("WORKSHOP_ID", "workshop"),
    facilitators=[name.strip() for name in _setting("WORKSHOP_FACILITATORS").split(",") if name.strip()],
    # Where the hub starts the workshop service; participants' servers reach it there directly.
    service_url=_setting("WORKSHOP_SERVICE_URL", DEFAULT_SERVICE_URL),
)

# Where people reach the hub. Put HTTPS in front of it (a reverse proxy) for anything but a test.
c.JupyterHub.bind_url = os.environ.get("WORKSHOP_HUB_URL", "http://127.0.0.1:8000")
# The proxy is the Python configurable-http-proxy installed with the kit (`hub` extra): no Node.js.
bin_dir = Path(sys.executable).parent
# A server starting with Voilà and nbgrader on a small machine can take a while.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# The Python proxy passes a response on once it is complete, and waits 20 s for it by default
# (Tornado's request timeout). The page a person sees while their server starts follows the hub's
# progress stream, which stays open until the server is up: a server slower than 20 s to start
# had that stream cut (503 "Timeout during request" in the log) and the person's page never moved
# on. So the proxy waits as long as a server may take to start, and a little more.
c.ConfigurableHTTPProxy.command = [str(bin_dir / "configurable-http-proxy"),
                                   f"--proxy-timeout={(c.Spawner.start_timeout + 30) * 1000}"]
# jupyterhub-singleuser, started through the kit so that it skips a grammar nothing uses
# (coproduction_kit/server/singleuser.py).
c.Spawner.cmd = [sys.executable, "-m", "coproduction_kit.server.singleuser"]
# The hub's own state (its users and their servers; not the answers) beside the workshop's data,
# for the hub's account alone: its cookie secret would let anyone who reads it act as anyone.
hub_state = data_dir / "hub"
hub_state.mkdir(parents=True, exist_ok=True)
hub_state.chmod(0o700)
c.JupyterHub.db_url = f"sqlite:///{hub_state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(hub_state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(hub_state / "jupyterhub-proxy.pid")
