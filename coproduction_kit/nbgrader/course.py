"""The nbgrader course behind the workshop: one assignment per module, made from the curriculum.

``prepare`` writes, for each module, an nbgrader *source* notebook holding the module's prompts
and one Markdown answer cell per exercise (manually graded, 0 points: reflections get feedback,
never marks), then runs nbgrader's own ``generate_assignment`` and ``release_assignment`` so the
gradebook, the release notebooks and the exchange are exactly nbgrader's.  ``collect`` runs
nbgrader's ``collect`` and ``autograde`` (without executing anything) over every module.
nbgrader's apps run in this process: its start-up cost (seconds) is paid once, not per step.

nbgrader opens its exchange to every local user (0777) and leaves its outputs readable by all
(0444, 0644); after each nbgrader command the course and the exchange are made private again
(``coproduction_kit.core.private_files``), and nbgrader is told to write its outputs 0600.  When a participant
submitted again, collect (``--update``) replaces their collected and autograded copies, and the
feedback made from the earlier submission is removed (it shows text they have since replaced).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import nbformat

from coproduction_kit.core.settings import WorkshopConfig
from coproduction_kit.core.curriculum import Curriculum
from coproduction_kit.core.private_files import file_mode, make_private, private_folder
from coproduction_kit.nbgrader.exchange import grade_id, released_feedback_of

NBGRADER_SCHEMA = 3


class NbgraderFailed(RuntimeError):
    """An nbgrader command failed; the message carries what nbgrader said."""


def _cell_meta(cell_id: str, *, answer: bool) -> dict:
    return {
        "nbgrader": {
            "grade_id": cell_id,
            "schema_version": NBGRADER_SCHEMA,
            "solution": answer,
            "grade": answer,
            "locked": not answer,
            **({"points": 0} if answer else {}),
        }
    }


def source_notebook(module: dict) -> nbformat.NotebookNode:
    """The module's reflections as an nbgrader source notebook (prompts locked, answers open)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(
        nbformat.v4.new_markdown_cell(
            f"# {module['title']}: shared reflections\n\n"
            "This notebook holds only the answers this participant chose to share. Private "
            "answers and passes are never sent. Reviewers give feedback, never marks.",
            metadata=_cell_meta(f"{module['id']}__intro", answer=False),
        )
    )
    for exercise in module["exercises"]:
        gid = grade_id(exercise["id"])
        nb.cells.append(
            nbformat.v4.new_markdown_cell(
                f"**{exercise['prompt']}**\n\n<small>Exercise `{exercise['id']}`</small>",
                metadata=_cell_meta(f"{gid}__prompt", answer=False),
            )
        )
        nb.cells.append(
            nbformat.v4.new_markdown_cell("YOUR ANSWER HERE", metadata=_cell_meta(gid, answer=True))
        )
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"
    return nb


def nbgrader_config_text(workshop: WorkshopConfig) -> str:
    return (
        "# Written by `workshop prepare`; edit workshop_config.py instead.\n"
        "c = get_config()  # noqa\n"
        f"c.CourseDirectory.course_id = {workshop.workshop_id!r}\n"
        f"c.CourseDirectory.root = {str(workshop.course_dir)!r}\n"
        f"c.Exchange.root = {str(workshop.exchange_root)!r}\n"
        # Participants' answer cells are Markdown; there is nothing to execute or clear.
        "c.Execute.enabled = False\n"
        "c.ClearOutput.enabled = False\n"
        # Collected, autograded and feedback copies hold participants' words: owner only (or the
        # data folder's group, when it is shared: coproduction_kit/core/private_files.py).
        f"c.BaseConverter.permissions = {file_mode(workshop.course_dir / 'nbgrader_config.py'):o}\n"
    )


class _CheckedSchemaOnce:
    """Stands in for ``jsonschema`` inside nbgrader's cell-metadata validator.

    nbgrader checks every cell with ``jsonschema.validate(metadata, schema)``, which first checks
    nbgrader's own bundled schema against JSON Schema's metaschema: for every cell of every
    notebook, a quarter of a collect's time.  Here the schema is checked once, and every cell is
    still validated against it, with the same errors.
    """

    def __init__(self, jsonschema):
        self._jsonschema = jsonschema
        self._validators = {}

    def validate(self, instance, schema):
        key = id(schema)
        if key not in self._validators:
            cls = self._jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            self._validators[key] = (schema, cls(schema))  # keep the schema alive with its id
        self._validators[key][1].validate(instance)

    def __getattr__(self, name):
        return getattr(self._jsonschema, name)


def _validate_cells_faster() -> None:
    import jsonschema
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _CheckedSchemaOnce):
        common.jsonschema = _CheckedSchemaOnce(jsonschema)


def _gradebook_pragmas(dbapi_connection, _record) -> None:
    """The gradebook in write-ahead-log mode, committing without waiting for the disk.

    nbgrader commits after every grade and comment it saves (about forty commits per submission);
    in SQLite's default journal each commit waited for the disk twice or more, most of a
    collect's time.  In WAL mode ``synchronous=NORMAL`` cannot corrupt the file: a power cut (not
    a crash of this process) may lose the last commits, which ``workshop collect`` remakes from the
    exchange when run again.  Only this process's connections use it; formgrader, where
    facilitators write their comments, keeps SQLite's default (every commit on disk).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def gradebook_revision() -> str:
    """The revision nbgrader stamps on a new gradebook: the head of its own Alembic scripts.

    nbgrader asks for it by running ``alembic heads`` in a new Python process (about 3.5 s of CPU,
    on the first ``prepare`` of every workshop); reading the same scripts here takes milliseconds.
    tests/integration/test_prepare_again.py checks that both name the same revision."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    return ScriptDirectory(ALEMBIC_DIR).get_current_head()


@contextlib.contextmanager
def _one_gradebook_engine():
    """nbgrader opens a new SQLAlchemy engine for every ``Gradebook`` (several per submission),
    and each new engine compiles every query again.  While nbgrader runs here, every gradebook
    of one URL shares one engine, whose compiled queries are kept (``Gradebook.close`` still
    disposes of its connections).  A new gradebook is stamped with ``gradebook_revision``."""
    import sqlalchemy as sa
    from nbgrader import api

    engines = {}
    made = api.create_engine
    asked = api.get_alembic_version

    def shared(url, *args, **kwargs):
        key = (str(url), args, tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = made(url, *args, **kwargs)
            if engines[key].dialect.name == "sqlite":
                sa.event.listen(engines[key], "connect", _gradebook_pragmas)
        return engines[key]

    api.create_engine = shared
    api.get_alembic_version = gradebook_revision
    try:
        yield
    finally:
        api.create_engine = made
        api.get_alembic_version = asked
        for engine in engines.values():
            engine.dispose()


def run_nbgrader(workshop: WorkshopConfig, *args: str) -> str:
    """Run one nbgrader command in this process against the workshop's course; returns its log."""
    from jupyter_core.application import NoStart
    from nbgrader.apps.nbgraderapp import NbGraderApp

    _validate_cells_faster()

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    argv = [*args, f"--CourseDirectory.root={workshop.course_dir}"]
    app = NbGraderApp.instance()
    app.log.addHandler(handler)
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log), _one_gradebook_engine():
            app.initialize(argv)
            app.start()
    except NoStart:  # how jupyter_core says a sub-command finished
        pass
    except SystemExit as stop:
        if stop.code not in (0, None):
            raise NbgraderFailed(f"nbgrader {' '.join(args)} failed:\n{log.getvalue()}") from None
    finally:
        make_private(workshop.course_dir)
        make_private(workshop.exchange_root)
        app.log.removeHandler(handler)
        NbGraderApp.clear_instance()
        # nbgrader keeps its sub-application as a singleton too.
        for sub in list(getattr(app, "subcommands", {}).values()):
            cls = sub[0]
            if isinstance(cls, type) and hasattr(cls, "clear_instance"):
                cls.clear_instance()
    return log.getvalue()


# What ``prepare`` made each module from (a digest of its nbgrader source notebook), in the course.
PREPARED = "prepared.json"


def prepare(workshop: WorkshopConfig, curriculum: Curriculum, say=print) -> list[str]:
    """Make (or remake) the nbgrader course and exchange for every module; returns module ids.

    A module already made from the same reflection notebook, whose gradebook entry and released
    copies are all in place, is left as it is: `workshop serve` prepares at every start, and a
    facilitator restarting it mid-workshop should not wait for nbgrader to redo what is done.
    """
    private_folder(workshop.data_dir)
    course = private_folder(workshop.course_dir)
    private_folder(workshop.exchange_root)
    (course / "nbgrader_config.py").write_text(nbgrader_config_text(workshop), encoding="utf-8")
    made = _prepared(course)
    modules = list(curriculum.modules)
    for number, module_id in enumerate(modules, start=1):
        notebook = nbformat.writes(source_notebook(curriculum.module(module_id)))
        digest = hashlib.sha256(f"{workshop.workshop_id}\n{notebook}".encode()).hexdigest()
        if made.get(module_id) == digest and _in_place(workshop, module_id):
            say(f"  [{number}/{len(modules)}] {module_id}: ready (its reflection notebook has not changed)")
            continue
        say(f"  [{number}/{len(modules)}] {module_id}: writing the reflection notebook for nbgrader")
        made.pop(module_id, None)
        _write_prepared(course, made)  # a prepare stopped halfway makes this module again
        folder = course / "source" / module_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{module_id}.ipynb").write_text(notebook, encoding="utf-8")
        run_nbgrader(workshop, "generate_assignment", module_id, "--force", "--create")
        run_nbgrader(workshop, "release_assignment", module_id, "--force")
        made[module_id] = digest
        _write_prepared(course, made)
    return modules


def _prepared(course: Path) -> dict[str, str]:
    try:
        made = json.loads((course / PREPARED).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or unreadable: every module is made again
        return {}
    return made if isinstance(made, dict) else {}


def _write_prepared(course: Path, made: dict[str, str]) -> None:
    """Module ids and digests of curriculum text, nothing a participant wrote; made private with the rest
    of the course by ``run_nbgrader`` (tests/integration/test_prepare_again.py checks it)."""
    (course / PREPARED).write_text(json.dumps(made, indent=1, sort_keys=True), encoding="utf-8")


def _in_place(workshop: WorkshopConfig, module_id: str) -> bool:
    """Whether what ``prepare`` makes for a module is all there: its release, its released copy in the
    exchange, and its assignment in the gradebook."""
    name = f"{module_id}.ipynb"
    release = workshop.course_dir / "release" / module_id / name
    outbound = workshop.exchange_root / workshop.workshop_id / "outbound" / module_id / name
    gradebook = workshop.course_dir / "gradebook.db"
    if not (release.is_file() and outbound.is_file() and gradebook.is_file()):
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{gradebook}?mode=ro", uri=True)) as db:
            return db.execute("SELECT 1 FROM assignment WHERE name = ?", (module_id,)).fetchone() is not None
    except sqlite3.Error:
        return False


@dataclass
class CollectSummary:
    module_id: str
    submissions: int


def inbound_count(workshop: WorkshopConfig, module_id: str) -> int:
    inbound = workshop.exchange_root / workshop.workshop_id / "inbound"
    students = {p.name.split("+")[0] for p in inbound.glob(f"*+{module_id}+*")} if inbound.is_dir() else set()
    return len(students)


def collect(workshop: WorkshopConfig, curriculum: Curriculum, say=print) -> list[CollectSummary]:
    """nbgrader collect, then autograde without executing, for every module with submissions."""
    summary = []
    modules = list(curriculum.modules)
    for number, module_id in enumerate(modules, start=1):
        count = inbound_count(workshop, module_id)
        say(f"  [{number}/{len(modules)}] {module_id}: {count} participant(s) submitted")
        if count:
            run_nbgrader(workshop, "collect", module_id, "--update")
            run_nbgrader(workshop, "autograde", module_id, "--create", "--no-execute")
            drop_stale_feedback(workshop, module_id)
        summary.append(CollectSummary(module_id, count))
    return summary


def drop_stale_feedback(workshop: WorkshopConfig, module_id: str) -> list[str]:
    """Remove feedback made from a submission that a newer one has replaced; returns the students.

    The feedback page shows the earlier submission's text, which the participant may have made
    private since; the next ``workshop feedback`` makes it again from the newer submission.
    """
    exchange_course = workshop.exchange_root / workshop.workshop_id
    dropped = []
    for folder in (workshop.course_dir / "feedback").glob(f"*/{module_id}"):
        student = folder.parent.name
        graded = workshop.course_dir / "autograded" / student / module_id / "timestamp.txt"
        made_from = folder / "timestamp.txt"
        if not graded.exists() or not made_from.exists() or graded.read_text() == made_from.read_text():
            continue
        for page in released_feedback_of(folder, exchange_course):
            page.unlink(missing_ok=True)
        shutil.rmtree(folder)
        dropped.append(student)
    return dropped


def feedback_path(workshop: WorkshopConfig, student_id: str, module_id: str) -> Path:
    """Where nbgrader's generate_feedback puts a participant's feedback page for a module."""
    return workshop.course_dir / "feedback" / student_id / module_id / f"{module_id}.html"


def release_feedback(workshop: WorkshopConfig, curriculum: Curriculum, say=print) -> int:
    """nbgrader generate_feedback and release_feedback for every collected module; returns pages."""
    pages = 0
    modules = list(curriculum.modules)
    for number, module_id in enumerate(modules, start=1):
        if not any((workshop.course_dir / "autograded").glob(f"*/{module_id}")):
            say(f"  [{number}/{len(modules)}] {module_id}: nothing collected yet")
            continue
        run_nbgrader(workshop, "generate_feedback", module_id, "--force")
        run_nbgrader(workshop, "release_feedback", module_id)
        count = len(list((workshop.course_dir / "feedback").glob(f"*/{module_id}/{module_id}.html")))
        say(f"  [{number}/{len(modules)}] {module_id}: feedback for {count} participant(s)")
        pages += count
    return pages
