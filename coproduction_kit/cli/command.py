"""What every ``workshop`` command shares: its settings, its data folder, and how it speaks.

Each command is a small traitlets ``Application`` (as nbgrader's and Voilà's are): its options
are traits with ``help=``, so ``workshop COMMAND --help`` lists them and ``workshop_config.py`` in
the data folder can set them too (``c.ServeApp.room = 40``).  The workshop's own settings are
``WorkshopConfig``'s (``core/settings.py``); ``--data-dir``, ``--content-dir`` and ``--timezone``
are short names for three of them, and ``--WorkshopConfig.NAME=VALUE`` sets any other.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

from traitlets.config import Application
from traitlets.config.loader import KVArgParseConfigLoader

from coproduction_kit.core.settings import WorkshopConfig, file_config, load_config

# Every command takes these before or after its name: `workshop --data-dir D report` and
# `workshop report --data-dir D` are the same.
WORKSHOP_ALIASES = {
    "data-dir": ("WorkshopConfig.data_dir", "The workshop's data folder (default: workshop-data in the workshop folder, or here)."),
    "content-dir": ("WorkshopConfig.content_dir",
                    "The folder with the workshop's curriculum/, modules/ and guides (default: the current "
                    "folder if it has them, else the kit's own)."),
    "timezone": ("WorkshopConfig.timezone",
                 "The room's time zone for the times people read, e.g. Europe/London (default: this computer's)."),
}


class CommandError(Exception):
    """A command cannot go on; its message is one plain sentence for the facilitator."""


def say(message: str = "") -> None:
    print(message, flush=True)


def fail(message: str) -> int:
    print(f"workshop: {message}", file=sys.stderr, flush=True)
    return 1


# traitlets wraps these two in a decorator that logs a bad option as "Bad config encountered
# during initialization"; the kit's commands let the problem reach main(), which says it plainly.
_parse_command_line = Application.parse_command_line.__wrapped__
_initialize_subcommand = Application.initialize_subcommand.__wrapped__


class Command(Application):
    """One ``workshop`` command. A subclass's docstring is its ``description`` (its ``--help``);
    its name comes from its class name (``ServeApp`` is ``workshop serve``); it defines ``run()``."""

    aliases = WORKSHOP_ALIASES
    classes = [WorkshopConfig]
    # Whether the command writes in the data folder (then it closes it to other local users first;
    # `check` only reads).
    writes_data = True
    # Whether the command works on a workshop at all (`init` only copies the content).
    uses_data = True
    exit_code = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # ServeApp is `workshop serve`, as its help and its messages call it.
        command = cls.__name__.removesuffix("App").lower()
        cls.name = "workshop" if command == "workshop" else f"workshop {command}"
        if "description" not in vars(cls) and cls.__doc__:
            cls.description = inspect.cleandoc(cls.__doc__)

    def initialize(self, argv=None):
        _parse_command_line(self, argv)

    def initialize_subcommand(self, subc, argv=None):
        _initialize_subcommand(self, subc, argv)

    def _create_loader(self, argv, aliases, flags, classes):
        # As traitlets does, but a wrong option is reported under the command's own name.
        return KVArgParseConfigLoader(argv, aliases, flags, classes=classes, log=self.log,
                                      subcommands=self.subcommands, prog=self.name)

    def load_workshop(self) -> WorkshopConfig:
        """The workshop's settings: hand-over, then ``workshop_config.py``, then this command line."""
        workshop = load_config(command_line=self.cli_config)
        self.update_config(file_config(workshop.data_dir))  # the file may set this command's options too
        self.update_config(self.cli_config)
        return workshop

    def start(self):
        if self.subapp is not None:
            self.subapp.start()
            self.exit_code = self.subapp.exit_code
            return
        # nbgrader's and jupyter's own apps are singletons too (NbGraderApp.instance()): this
        # command, its options read, gives up the place before it calls them.
        type(self).clear_instance()
        from coproduction_kit.core.private_files import make_private, private_folder, umask_for

        # nbgrader runs `alembic` and jupyter its kernels by name: find this environment's first.
        bin_dir = str(Path(sys.executable).parent)
        if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
        if not self.uses_data:
            self.exit_code = self._run_plainly(None)
            return
        workshop = self.load_workshop()
        # Everything the kit writes holds participants' words: no other local user may read it.
        os.umask(umask_for(workshop.data_dir))
        if self.writes_data:
            # A folder made by an earlier version (0755, files 0644) is closed at the first command.
            private_folder(workshop.data_dir)
            make_private(workshop.data_dir)
        self.exit_code = self._run_plainly(workshop)

    def _run_plainly(self, workshop) -> int:
        """``run``, with a problem it names said in one sentence."""
        from coproduction_kit.core.curriculum import CurriculumError

        try:
            return self.run(workshop)
        except (CurriculumError, CommandError) as err:
            return fail(str(err))

    def run(self, workshop: WorkshopConfig) -> int:
        raise NotImplementedError


def checked_curriculum(workshop: WorkshopConfig):
    """The workshop's curriculum, refused with its problems listed if it has any."""
    from coproduction_kit.core.curriculum import CurriculumError, load_curriculum, validate

    curriculum = load_curriculum(workshop.curriculum_dir)
    problems = validate(curriculum)
    if problems:
        raise CurriculumError("the curriculum has problems:\n  " + "\n  ".join(problems))
    return curriculum
