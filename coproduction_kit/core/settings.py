"""Where the workshop keeps things and how it runs, as one traitlets configuration.

The server, the facilitator commands and every participant's kernel must agree on the
workshop id, on where the store, the nbgrader course and the exchange live, on which content
(curriculum, notebooks, guides) it uses, and on the time zone its pages show times in.

A setting comes from, in order, each later one winning:

1. its default (below: a ``help=`` says what each one does);
2. the hand-over from the process that started this one (see ``handed_over``): ``workshop
   serve`` gives its kernels the data folder and the content folder, JupyterHub gives each
   server the workshop id. This module is the only place the kit reads them;
3. ``workshop_config.py`` in the data folder, in the style of ``nbgrader_config.py``::

       c.WorkshopConfig.workshop_id = "spring-2027"
       c.WorkshopConfig.timezone = "Europe/London"

4. the command line (``workshop --help-all`` lists every setting) or a caller's overrides; a
   process started by a command (a kernel of ``workshop serve``) gets that command line's
   settings too (``WORKSHOP_COMMAND_LINE``), so they win over the file there as well.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from traitlets import Bool, Enum, Float, Integer, TraitError, Unicode, default, validate
from traitlets.config import Config, Configurable
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from coproduction_kit.core.content import content_root

# The checkout's root (tests and the hub's files use it; in an installed kit, the folder holding the
# package: not a place for data). The content in use is ``content_dir``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
_PACKAGE = Path(__file__).resolve().parent.parent
CONFIG_FILE_NAME = "workshop_config.py"
# nbgrader uses the workshop id as its course id, which becomes a folder name.
_WORKSHOP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
# The hand-over between the kit's processes: environment variable -> setting.
HANDOVER = {
    "WORKSHOP_ID": "workshop_id",
    "WORKSHOP_IDENTITY": "identity",
    "WORKSHOP_DATA_DIR": "data_dir",
    "WORKSHOP_CONTENT_DIR": "content_dir",
    "WORKSHOP_CURRICULUM_DIR": "curriculum_dir",
    "WORKSHOP_MODULES_DIR": "modules_dir",
    "WORKSHOP_STORE_URL": "store_url",
    "WORKSHOP_TIMEZONE": "timezone",
}
# Settings a command line gave the starting process (JSON), so that they win over the file here too.
COMMAND_LINE_ENV = "WORKSHOP_COMMAND_LINE"


class WorkshopConfig(Configurable):
    """Settings shared by the server, the facilitator commands and the participant kernels."""

    workshop_id = Unicode(
        "workshop",
        help="Short name of this workshop (letters, digits, '-' and '_'); also the nbgrader course id."
    ).tag(config=True)

    data_dir = Unicode(
        help="Folder for everything the workshop writes: store, nbgrader course, exchange, exports "
        "(default: workshop-data in the content folder when it is a workshop folder or the checkout, "
        "else in the current folder)."
    ).tag(config=True)

    content_dir = Unicode(
        help="Folder holding the workshop's content: curriculum/, modules/, facilitator_guides/ and "
        "facilitator_views/ (default: the current folder if it holds a curriculum, else the kit's own)."
    ).tag(config=True)

    curriculum_dir = Unicode(
        help="Folder holding the curriculum data (YAML) (default: curriculum/ in the content folder)."
    ).tag(config=True)

    modules_dir = Unicode(
        help="Folder holding the module notebooks served to participants (default: modules/ in the "
        "content folder)."
    ).tag(config=True)

    store_url = Unicode(
        help="SQLAlchemy URL of the answer store; SQLite in the data folder by default."
    ).tag(config=True)

    identity = Enum(
        ["cookie", "hub"],
        "cookie",
        help="Who is answering: 'cookie' (a pseudonym chosen on the start page, kept in a browser "
        "cookie) or 'hub' (behind JupyterHub: the hub user owning the server; no pseudonym form).",
    ).tag(config=True)

    timezone = Unicode(
        "",
        help="The time zone of the room, as its IANA name (e.g. 'Europe/London'): every time the "
        "pages, journals, timers, exports and reports show people is in it (the store keeps UTC). "
        "Empty: this computer's own time zone.",
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

    @validate("workshop_id")
    def _check_workshop_id(self, proposal):
        if not _WORKSHOP_ID.match(proposal["value"]):
            raise TraitError(
                "workshop_id must be 1-40 letters, digits, '-' or '_', starting with a letter "
                f"or digit; got {proposal['value']!r}"
            )
        return proposal["value"]

    @validate("timezone")
    def _check_timezone(self, proposal):
        name = proposal["value"].strip()
        if name:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                raise TraitError(f"timezone {name!r} is not a time zone this computer knows; give an "
                                 "IANA name such as 'Europe/London' or 'America/Toronto'") from None
        return name

    # Folders are kept absolute: kernels and servers started elsewhere must find the same ones.
    @validate("data_dir", "content_dir", "curriculum_dir", "modules_dir")
    def _absolute(self, proposal):
        return os.path.abspath(os.path.expanduser(proposal["value"])) if proposal["value"] else ""

    @default("data_dir")
    def _default_data_dir(self):
        return str(default_data_dir(Path(self.content_dir)))

    @default("content_dir")
    def _default_content_dir(self):
        return str(content_root())

    @default("curriculum_dir")
    def _default_curriculum_dir(self):
        return str(Path(self.content_dir) / "curriculum")

    @default("modules_dir")
    def _default_modules_dir(self):
        return str(Path(self.content_dir) / "modules")

    @default("store_url")
    def _default_store_url(self):
        return f"sqlite:///{Path(self.data_dir) / 'store.sqlite'}"

    # Which settings this process's command line gave (set by load_config): they are handed over.
    from_command_line: set = frozenset()

    # Derived places, not settings: nbgrader's own layout inside the data folder, and the content's.
    @property
    def course_dir(self) -> Path:
        return Path(self.data_dir) / "course"

    @property
    def exchange_root(self) -> Path:
        return Path(self.data_dir) / "exchange"

    @property
    def exports_dir(self) -> Path:
        return Path(self.data_dir) / "exports"

    @property
    def facilitator_views_dir(self) -> Path:
        return Path(self.content_dir) / "facilitator_views"



def default_data_dir(content: Path | None = None) -> Path:
    """``workshop-data`` beside the content in use when a programme can edit it (a workshop folder
    made by ``workshop init``, or the checkout), else in the current folder: never inside the
    installed package."""
    root = Path(content) if content is not None else content_root()
    return (Path.cwd() if root.resolve().is_relative_to(_PACKAGE) else root) / "workshop-data"


def handed_over(environ=None) -> Config:
    """The settings the starting process handed over in ``WORKSHOP_*`` environment variables."""
    environ = os.environ if environ is None else environ
    cfg = Config()
    for name, setting in HANDOVER.items():
        if environ.get(name):
            cfg.WorkshopConfig[setting] = environ[name]
    return cfg


def given_upstream(environ=None) -> Config:
    """The settings the command line of a process that started this one gave (they win over
    ``workshop_config.py`` here too, as they did there)."""
    environ = os.environ if environ is None else environ
    cfg = Config()
    if environ.get(COMMAND_LINE_ENV):
        cfg.WorkshopConfig.merge(json.loads(environ[COMMAND_LINE_ENV]))
    return cfg


def handover_environment(workshop: WorkshopConfig) -> dict[str, str]:
    """What a process started by this one needs to see the same workshop: the data and content
    folders (their defaults depend on the current folder, which a kernel's is not: it starts in the
    notebooks' folder), and the settings given on a command line (``workshop serve --timezone …``)."""
    env = {name: getattr(workshop, setting) for name, setting in HANDOVER.items()
           if setting in ("data_dir", "content_dir", "curriculum_dir", "modules_dir")}
    given = {name: getattr(workshop, name) for name in sorted(workshop.from_command_line)}
    if given:
        env[COMMAND_LINE_ENV] = json.dumps(given)
    return env


def file_config(data_dir: str | os.PathLike) -> Config:
    """The settings in ``workshop_config.py`` in ``data_dir`` (none if it has no such file)."""
    try:
        return PyFileConfigLoader(CONFIG_FILE_NAME, path=str(data_dir)).load_config()
    except ConfigFileNotFound:
        return Config()


def workshop_settings(data_dir: str | os.PathLike | None = None, command_line: Config | None = None) -> Config:
    """All settings for this process, in order: the hand-over, ``workshop_config.py`` in the data
    folder, then the command line (the starting process's, then ``command_line``, this one's);
    ``data_dir`` chooses the folder."""
    later = given_upstream()
    if command_line is not None:
        later.merge(command_line)
    chosen = handed_over()
    if data_dir is not None:
        chosen.WorkshopConfig.data_dir = str(data_dir)
    chosen.merge(later)
    folder = WorkshopConfig(config=chosen).data_dir
    cfg = handed_over()
    cfg.merge(file_config(folder))
    cfg.merge(later)
    cfg.WorkshopConfig.data_dir = folder  # the file read is the one in this folder
    return cfg


def load_config(data_dir: str | os.PathLike | None = None, command_line: Config | None = None,
                **overrides) -> WorkshopConfig:
    """The configuration for this process: the hand-over, then ``workshop_config.py``, then the
    command line, then overrides."""
    cfg = workshop_settings(data_dir, command_line)
    for key, value in overrides.items():
        cfg.WorkshopConfig[key] = value
    workshop = WorkshopConfig(config=cfg)
    given = set(given_upstream().WorkshopConfig) | set((command_line or Config()).WorkshopConfig)
    workshop.from_command_line = given - {"data_dir", "content_dir", "curriculum_dir", "modules_dir"}  # handed over anyway
    return workshop
