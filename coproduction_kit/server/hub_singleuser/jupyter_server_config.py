# Settings of every workshop single-user server started by JupyterHub: the hub puts this folder
# on JUPYTER_CONFIG_PATH. A participant's server is Voilà and the start page; a facilitator's is
# JupyterLab with formgrader (WORKSHOP_ROLE, set by the hub from its groups). See coproduction_kit/server/hub.py.
import os

from coproduction_kit.core.private_files import umask_for
from coproduction_kit.core.settings import handed_over
from coproduction_kit.server.hub import load_singleuser_config

c = get_config()  # noqa: F821 (given by jupyter_server when it loads this file)
c.merge(load_singleuser_config())
os.umask(umask_for(handed_over().WorkshopConfig.get("data_dir", "")))  # what this server and its kernels write: no other user
