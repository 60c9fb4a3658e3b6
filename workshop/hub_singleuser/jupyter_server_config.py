# Settings of every workshop single-user server started by JupyterHub: the hub puts this folder
# on JUPYTER_CONFIG_PATH. A participant's server is Voilà and the start page; a facilitator's is
# JupyterLab with formgrader (WORKSHOP_ROLE, set by the hub from its groups). See workshop/hub.py.
from workshop.hub import load_singleuser_config

c = get_config()  # noqa: F821 (given by jupyter_server when it loads this file)
c.merge(load_singleuser_config())
