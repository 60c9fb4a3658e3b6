"""The real nbgrader commands in a temporary course: submit → collect → autograde → review."""

import csv
import json

import nbformat
import pytest

from coproduction_kit.core.settings import load_config
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.review.export import load, write_csv
from coproduction_kit.store import FACILITATORS, ROOM, Store
from coproduction_kit.nbgrader.exchange import escape_markdown, grade_id, submit_module
from coproduction_kit.nbgrader.course import collect
from tests.conftest import TEST_WORKSHOP

pytestmark = pytest.mark.nbgrader
SCRIPT = "<script>alert('x')</script> I felt my time was valued."
TEXT_ID = "payment.personal-experience"


@pytest.fixture(scope="module")
def course(tmp_path_factory, prepared_course):
    workshop = prepared_course(load_config(tmp_path_factory.mktemp("course") / "data", workshop_id=TEST_WORKSHOP))
    curriculum = load_curriculum(workshop.curriculum_dir)
    store = Store(workshop.store_url)
    exercises = curriculum.exercises("payment")
    ana, _ = store.add_participant(workshop.workshop_id, "ana")
    zoe, _ = store.add_participant(workshop.workshop_id, "Zoë")
    store.save_answer(ana, "payment", TEXT_ID, "first version", share=FACILITATORS)
    submit_module(store, ana, "payment", exercises, workshop.course_dir, workshop.exchange_root)
    # ana changes her mind and submits again: the second submission replaces the first.
    store.save_answer(ana, "payment", TEXT_ID, SCRIPT, share=FACILITATORS)
    store.save_answer(ana, "payment", "payment.raise-payment-readiness", 2, share=ROOM)
    submit_module(store, ana, "payment", exercises, workshop.course_dir, workshop.exchange_root)
    store.save_answer(zoe, "payment", TEXT_ID, "Zoë's shared answer", share=ROOM)
    submit_module(store, zoe, "payment", exercises, workshop.course_dir, workshop.exchange_root)
    lines = []
    summary = collect(workshop, curriculum, say=lines.append)
    workshop.people = {"ana": ana.review_id, "Zoë": zoe.review_id}
    return workshop, curriculum, store, summary, lines


def test_collect_reports_every_participant(course):
    _, _, _, summary, lines = course
    assert {s.module_id: s.submissions for s in summary} == {"orientation": 0, "power": 0, "payment": 2, "epistemic-injustice": 0, "authorship": 0, "closing": 0}
    assert any("payment: 2 participant(s) submitted" in line for line in lines)


def test_gradebook_lists_each_submission_needing_review_with_zero_points(course):
    from nbgrader.api import Gradebook

    workshop = course[0]
    with Gradebook(f"sqlite:///{workshop.course_dir / 'gradebook.db'}", workshop.workshop_id) as gb:
        submitted = {s.student.id for s in gb.assignment_submissions("payment")}
        assert submitted == set(workshop.people.values())  # review codes: pseudonyms stay hidden
        ana = workshop.people["ana"]
        submission = gb.find_submission("payment", ana)
        assert submission.needs_manual_grade
        assert submission.max_score == 0
        grade = gb.find_grade(grade_id(TEXT_ID), "payment", "payment", ana)
        assert grade.needs_manual_grade and grade.max_score == 0


def test_the_latest_submission_is_the_one_collected_with_text_escaped(course):
    workshop = course[0]
    path = workshop.course_dir / "submitted" / workshop.people["ana"] / "payment" / "payment.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in notebook.cells}
    assert "I felt my time was valued" in cells[grade_id(TEXT_ID)]
    assert "first version" not in nbformat.writes(notebook)
    assert "<script>" not in nbformat.writes(notebook)


def test_formgrader_view_shows_the_answer_escaped(course):
    """The autograded notebook rendered with formgrader's own template."""
    from nbconvert import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers

    workshop = course[0]
    exporter = HTMLExporter(template_name="formgrade", extra_template_basedirs=[handlers.template_path])
    path = workshop.course_dir / "autograded" / workshop.people["ana"] / "payment" / "payment.ipynb"
    body, _ = exporter.from_notebook_node(
        nbformat.read(path, as_version=4), resources={
            "assignment_id": "payment", "notebook_id": "payment", "submission_id": "x", "index": 0,
            "total": 1, "base_url": "", "student": workshop.people["ana"], "last_name": None, "first_name": None,
            "notebook_path": "autograded/ana/payment/payment.ipynb",
        }
    )
    assert "I felt my time was valued" in body
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_formgrader_api_lists_the_submissions_for_review(course):
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    workshop = course[0]
    config = Config()
    config.CourseDirectory.root = str(workshop.course_dir)
    config.CourseDirectory.course_id = workshop.workshop_id
    config.Exchange.root = str(workshop.exchange_root)
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    rows = {s["student"]: s for s in api.get_submissions("payment")}
    ana, zoe = workshop.people["ana"], workshop.people["Zoë"]
    assert rows[ana]["needs_manual_grade"] and rows[ana]["autograded"]
    assert rows[zoe]["submitted"]
    # Blind review: no pseudonym anywhere in what formgrader lists or in the course's folders.
    assert "ana" not in rows and "Zoë" not in rows
    assert not list(workshop.course_dir.glob("*/Zoë"))


def test_export_writes_one_tidy_row_per_shared_answer(course, tmp_path):
    workshop, curriculum, store, _, _ = course
    frame = load(store, workshop.workshop_id, curriculum)
    assert list(frame.columns) == [
        "workshop", "pseudonym", "module", "exercise_id", "prompt", "share_level", "answer",
        "saved_at", "submitted_at",
    ]
    assert len(frame) == 3  # ana's two shared answers and Zoë's one
    row = frame[(frame.pseudonym == "ana") & (frame.exercise_id == TEXT_ID)].iloc[0]
    assert row.answer == SCRIPT and row.share_level == FACILITATORS
    assert row.prompt == curriculum.exercise(TEXT_ID)["prompt"]
    path = write_csv(frame, tmp_path / "out.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["pseudonym"] for r in rows} == {"ana", "Zoë"}


def test_forty_participants_submitting_at_once_all_reach_the_gradebook(prepared_copy):
    """nbgrader's own exchange has lost concurrent submissions (#919); this bridge must not."""
    import threading

    from nbgrader.api import Gradebook

    workshop = prepared_copy
    curriculum = load_curriculum(workshop.curriculum_dir)
    store = Store(workshop.store_url)
    people = []
    for n in range(40):
        person, _ = store.add_participant(workshop.workshop_id, f"crowd-{n}")
        store.save_answer(person, "payment", TEXT_ID, f"answer of crowd-{n}", share=FACILITATORS)
        people.append(person)
    start, errors = threading.Barrier(40), []

    def submit(person):
        try:
            own_store = Store(workshop.store_url)  # as each participant's kernel has its own
            start.wait()
            submit_module(own_store, person, "payment", curriculum.exercises("payment"),
                          workshop.course_dir, workshop.exchange_root)
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=submit, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    summary = collect(workshop, curriculum, say=lambda _: None)
    assert {s.module_id: s.submissions for s in summary}["payment"] == 40
    with Gradebook(f"sqlite:///{workshop.course_dir / 'gradebook.db'}", workshop.workshop_id) as gb:
        assert {s.student.id for s in gb.assignment_submissions("payment")} == {p.review_id for p in people}
    for person in people:
        notebook = workshop.course_dir / "submitted" / person.review_id / "payment" / "payment.ipynb"
        assert json.dumps(escape_markdown(f"answer of {person.pseudonym}")) in notebook.read_text()


def test_cells_are_still_validated_when_the_schema_is_checked_once():
    """collect checks nbgrader's schema once (course._CheckedSchemaOnce); bad cells still fail."""
    import jsonschema
    from nbformat.v4 import new_markdown_cell
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    from coproduction_kit.nbgrader.course import _validate_cells_faster

    _validate_cells_faster()
    validator = MetadataValidatorV3()
    good = new_markdown_cell("answer", metadata={"nbgrader": {
        "schema_version": 3, "grade": True, "solution": True, "locked": False, "task": False,
        "grade_id": "a", "points": 0}})
    validator.validate_cell(good)
    bad = new_markdown_cell("answer", metadata={"nbgrader": {**good.metadata["nbgrader"], "points": "many"}})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate_cell(bad)


def test_collect_leaves_nbgrader_as_found_and_its_gradebook_private(course):
    """Collect's gradebook engines are shared only while nbgrader runs (course._one_gradebook_engine);
    the gradebook is left in WAL mode, with no log file left beside it for another account to read."""
    import sqlite3

    import sqlalchemy
    from nbgrader import api

    workshop = course[0]
    assert api.create_engine is sqlalchemy.create_engine
    book = workshop.course_dir / "gradebook.db"
    assert [p.name for p in book.parent.glob("gradebook.db*")] == ["gradebook.db"]
    assert book.stat().st_mode & 0o077 == 0
    with sqlite3.connect(book) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
