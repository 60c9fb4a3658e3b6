"""The participant's start page inside their own server under JupyterHub.

A jupyter_server extension, loaded only in participants' single-user servers (``coproduction_kit/server/hub.py``
enables it).  It serves the pages of the standalone workshop server (``landing.py``): the start
page with the modules and progress at ``<server>/workshop/`` (the server's default URL), and the
journal, feedback and withdrawal pages beside it.  The participant is the hub user owning the
server, so there is no pseudonym form and no participant cookie; the answers, feedback and
withdrawal go through the workshop service (``hub_service.py``) with the server's hub token.
Voilà, a server extension in the same server, serves the modules at
``<server>/voila/render/<module>.ipynb``.
"""

from __future__ import annotations

from jupyter_server.utils import url_path_join

from coproduction_kit.core.settings import load_config
from coproduction_kit.store.client import StoreClient

from coproduction_kit.server.landing import FeedbackHandler, JournalHandler, LandingHandler, WithdrawHandler


def _jupyter_server_extension_points():
    return [{"module": "coproduction_kit.server.hub_extension"}]


def _load_jupyter_server_extension(server_app) -> None:
    workshop = load_config()
    if workshop.identity != "hub":
        raise RuntimeError("coproduction_kit.server.hub_extension runs only with WORKSHOP_IDENTITY=hub (see coproduction_kit/server/hub.py)")
    # No store login here: the workshop service answers for this server's hub user only.
    store = StoreClient.from_environment()
    base = server_app.web_app.settings["base_url"]
    pages = {"workshop": workshop, "store": store}
    server_app.web_app.add_handlers(".*$", [
        (url_path_join(base, "workshop/"), LandingHandler, pages),
        (url_path_join(base, r"journal\.(md|html)"), JournalHandler, pages),
        (url_path_join(base, r"feedback/([a-z0-9-]+)"), FeedbackHandler, pages),
        (url_path_join(base, "withdraw"), WithdrawHandler, pages),
    ])
    server_app.log.info("Workshop start page at %sworkshop/ (workshop %s)", base, workshop.workshop_id)
