"""The participant's start page inside their own server under JupyterHub.

A jupyter_server extension, loaded only in participants' single-user servers (``coproduction_kit/server/hub.py``
enables it).  It serves the pages of the standalone workshop server (``landing.py``): the start
page with the modules and progress at ``<server>/workshop/`` (the server's default URL), and the
journal, feedback and withdrawal pages beside it.  The participant is the hub user owning the
server, so there is no pseudonym form and no participant cookie; the answers, feedback and
withdrawal go through the workshop service (``hub_service.py``) with the server's hub token.
Voilà, a server extension in the same server, serves the modules at
``<server>/voila/render/<module>.ipynb``.

Installing the kit switches the extension on in every Jupyter server of its environment
(``jupyter-config/jupyter_server_config.d/coproduction_kit.json``, installed to
``etc/jupyter/``), as Voilà switches its own on.  Everywhere but a participant's server under
the hub it does nothing: a facilitator's JupyterLab, on a laptop or behind the hub (whose
settings also switch it off), gets no pages and no messages from it.
"""

from __future__ import annotations

import os

from jupyter_server.utils import url_path_join


def in_participants_hub_server() -> bool:
    """Whether this server is a participant's, started by JupyterHub with the kit's hub settings
    (``hub_singleuser/jupyter_server_config.py`` sets the identity; the hub sets the role)."""
    from coproduction_kit.core.settings import handed_over

    return (bool(os.environ.get("JUPYTERHUB_USER")) and handed_over().WorkshopConfig.get("identity") == "hub"
            and os.environ.get("WORKSHOP_ROLE", "participant") == "participant")


def _jupyter_server_extension_points():
    return [{"module": "coproduction_kit.server.hub_extension"}]


def _load_jupyter_server_extension(server_app) -> None:
    if not in_participants_hub_server():
        return  # switched on by the installed kit everywhere; only a participant's hub server uses it
    # Imported here, so that the servers where it does nothing do not load the store.
    from coproduction_kit.core.settings import load_config
    from coproduction_kit.store.client import StoreClient

    from coproduction_kit.server.landing import (
        AboutHandler, FeedbackHandler, JournalHandler, LandingHandler, WithdrawHandler,
    )

    workshop = load_config()
    # No store login here: the workshop service answers for this server's hub user only.
    store = StoreClient.from_environment()
    base = server_app.web_app.settings["base_url"]
    pages = {"workshop": workshop, "store": store}
    server_app.web_app.add_handlers(".*$", [
        (url_path_join(base, "workshop/"), LandingHandler, pages),
        (url_path_join(base, r"journal\.(md|html)"), JournalHandler, pages),
        (url_path_join(base, r"feedback/([a-z0-9-]+)"), FeedbackHandler, pages),
        (url_path_join(base, "withdraw"), WithdrawHandler, pages),
        (url_path_join(base, "about"), AboutHandler, pages),
    ])
    server_app.log.info("Workshop start page at %sworkshop/ (workshop %s)", base, workshop.workshop_id)
