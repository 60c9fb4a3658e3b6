"""Where the workshop keeps things, as one traitlets configuration.

The server, the facilitator commands and every participant's kernel must agree on the
workshop id and on where the store, the nbgrader course and the exchange live.  The
serve command exports the data directory in ``WORKSHOP_DATA_DIR``; kernels inherit it.
Optional settings go in ``workshop_config.py`` in that directory, in the style of
``nbgrader_config.py``::

    c.WorkshopConfig.workshop_id = "spring-2027"
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from traitlets import Bool, Enum, Float, Integer, Unicode, default, validate, TraitError
from traitlets.config import Config, Configurable
from traitlets.config.loader import PyFileConfigLoader, ConfigFileNotFound

from coproduction_kit.core.content import content_root

# The checkout's root (in an installed kit, the folder holding the package: not a place for data).
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
_PACKAGE = Path(__file__).resolve().parent.parent
CONFIG_FILE_NAME = "workshop_config.py"
# nbgrader uses the workshop id as its course id, which becomes a folder name.
_WORKSHOP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


class WorkshopConfig(Configurable):
    """Settings shared by the server, the facilitator commands and the participant kernels."""

    workshop_id = Unicode(
        help="Short name of this workshop (letters, digits, '-' and '_'); also the nbgrader course id."
    ).tag(config=True)

    data_dir = Unicode(
        help="Folder for everything the workshop writes: store, nbgrader course, exchange, exports."
    ).tag(config=True)

    curriculum_dir = Unicode(help="Folder holding the curriculum data (YAML).").tag(config=True)

    modules_dir = Unicode(help="Folder holding the module notebooks served to participants.").tag(
        config=True
    )

    store_url = Unicode(
        help="SQLAlchemy URL of the answer store; SQLite in the data folder by default."
    ).tag(config=True)

    identity = Enum(
        ["cookie", "hub"],
        help="Who is answering: 'cookie' (a pseudonym chosen on the start page, kept in a browser "
        "cookie) or 'hub' (behind JupyterHub: the hub user owning the server; no pseudonym form).",
    ).tag(config=True)

    max_answer_chars = Integer(
        20_000,
        help="Longest answer the store accepts. Longer text stays in the page with a message.",
    ).tag(config=True)

    max_revisions = Integer(
        20,
        help="How many saved versions of each answer the store keeps (the newest; older ones are "
        "deleted as new ones come). Participants are told this number; withdrawing removes them all.",
    ).tag(config=True)

    max_saves_per_minute = Integer(
        60,
        help="Most saves the store takes from one participant in a minute (all their pages "
        "together). Beyond it the page keeps the text and saves it when the minute is over.",
    ).tag(config=True)

    blind_review = Bool(
        True,
        help="Reviewers in formgrader see a code (such as r7kq2m9x) instead of each pseudonym; "
        "the export and the report still show pseudonyms.",
    ).tag(config=True)

    room_min_answers = Integer(
        5,
        help="The room view shows nothing for a prompt until at least this many people shared an "
        "answer with the room, so that no one can be picked out.",
    ).tag(config=True)

    autosave_delay = Float(
        0.6, help="Seconds of quiet typing after which an answer is saved."
    ).tag(config=True)

    @default("workshop_id")
    def _default_workshop_id(self):
        return os.environ.get("WORKSHOP_ID", "workshop")

    @validate("workshop_id")
    def _check_workshop_id(self, proposal):
        if not _WORKSHOP_ID.match(proposal["value"]):
            raise TraitError(
                "workshop_id must be 1-40 letters, digits, '-' or '_', starting with a letter "
                f"or digit; got {proposal['value']!r}"
            )
        return proposal["value"]

    @default("identity")
    def _default_identity(self):
        return os.environ.get("WORKSHOP_IDENTITY", "cookie")

    @default("data_dir")
    def _default_data_dir(self):
        return os.environ.get("WORKSHOP_DATA_DIR", str(default_data_dir()))

    @default("curriculum_dir")
    def _default_curriculum_dir(self):
        return os.environ.get("WORKSHOP_CURRICULUM_DIR", str(content_root() / "curriculum"))

    @default("modules_dir")
    def _default_modules_dir(self):
        return os.environ.get("WORKSHOP_MODULES_DIR", str(content_root() / "modules"))

    @default("store_url")
    def _default_store_url(self):
        return os.environ.get(
            "WORKSHOP_STORE_URL", f"sqlite:///{Path(self.data_dir) / 'store.sqlite'}"
        )

    # Derived places, not settings: nbgrader's own layout inside the data folder.
    @property
    def course_dir(self) -> Path:
        return Path(self.data_dir) / "course"

    @property
    def exchange_root(self) -> Path:
        return Path(self.data_dir) / "exchange"

    @property
    def exports_dir(self) -> Path:
        return Path(self.data_dir) / "exports"


def default_data_dir() -> Path:
    """``workshop-data`` beside the content in use when a programme can edit it (a workshop folder
    made by ``workshop init``, or the checkout), else in the current folder: never inside the
    installed package."""
    root = content_root()
    return (Path.cwd() if root.is_relative_to(_PACKAGE) else root) / "workshop-data"


def load_config(data_dir: str | os.PathLike | None = None, **overrides) -> WorkshopConfig:
    """The configuration for this process: environment, then ``workshop_config.py``, then overrides."""
    cfg = Config()
    folder = Path(data_dir or os.environ.get("WORKSHOP_DATA_DIR") or default_data_dir())
    try:
        cfg.merge(PyFileConfigLoader(CONFIG_FILE_NAME, path=str(folder)).load_config())
    except ConfigFileNotFound:
        pass
    if data_dir is not None:
        cfg.WorkshopConfig.data_dir = str(data_dir)
    for key, value in overrides.items():
        cfg.WorkshopConfig[key] = value
    return WorkshopConfig(config=cfg)
