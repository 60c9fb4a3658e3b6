"""`workshop prepare` (and `workshop serve`, which prepares at every start) leaves a module as it is
when its reflection notebook has not changed and everything nbgrader made for it is in place; a
changed module, or one whose released copy has gone, is made again."""

import json
import shutil
import stat

import nbformat

from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.nbgrader import course


def counting(monkeypatch) -> list[tuple[str, ...]]:
    ran = []
    real = course.run_nbgrader
    monkeypatch.setattr(course, "run_nbgrader", lambda workshop, *args: ran.append(args) or real(workshop, *args))
    return ran


def test_a_restart_remakes_only_what_changed_or_went_missing(prepared_copy, tmp_path, monkeypatch):
    workshop = prepared_copy
    ran = counting(monkeypatch)
    said = []
    curriculum = load_curriculum(workshop.curriculum_dir)
    assert course.prepare(workshop, curriculum, say=said.append) == list(curriculum.modules)
    assert ran == []  # everything was made from the same notebooks, and is in place
    assert all("ready (its reflection notebook has not changed)" in line for line in said)

    # A facilitator rewords one prompt in the curriculum: that module alone is made again (and the
    # record, found readable by others, as an older kit under a loose umask may have left it, is private again).
    (workshop.course_dir / course.PREPARED).chmod(0o644)
    changed = tmp_path / "curriculum"
    shutil.copytree(workshop.curriculum_dir, changed)
    payment = changed / "modules" / "payment.yaml"
    payment.write_text(payment.read_text(encoding="utf-8").replace(
        "How is payment experienced by participants?", "How do participants experience payment?"), encoding="utf-8")
    course.prepare(workshop, load_curriculum(changed), say=lambda _: None)
    assert {args[:2] for args in ran} == {("generate_assignment", "payment"), ("release_assignment", "payment")}
    released = workshop.exchange_root / workshop.workshop_id / "outbound" / "payment" / "payment.ipynb"
    assert "How do participants experience payment?" in "".join(c.source for c in nbformat.read(released, as_version=4).cells)

    # The released copy of another module went (the exchange was cleared): it is released again.
    ran.clear()
    shutil.rmtree(workshop.exchange_root / workshop.workshop_id / "outbound" / "power")
    course.prepare(workshop, load_curriculum(changed), say=lambda _: None)
    assert {args[:2] for args in ran} == {("generate_assignment", "power"), ("release_assignment", "power")}
    assert (workshop.exchange_root / workshop.workshop_id / "outbound" / "power" / "power.ipynb").is_file()

    # The record holds module ids and digests of the curriculum's text, nothing a participant wrote,
    # readable by the workshop's owner only (as the rest of the course).
    record = workshop.course_dir / course.PREPARED
    assert stat.S_IMODE(record.stat().st_mode) & 0o077 == 0
    made = json.loads(record.read_text(encoding="utf-8"))
    assert set(made) == set(curriculum.modules) and all(len(d) == 64 for d in made.values())

    # A record that cannot be read is no reason to trust anything: every module is made again.
    ran.clear()
    (workshop.course_dir / course.PREPARED).write_text("{not json", encoding="utf-8")
    course.prepare(workshop, load_curriculum(changed), say=lambda _: None)
    assert {args[1] for args in ran} == set(curriculum.modules)


def test_a_new_gradebook_has_the_revision_alembic_heads_names(tmp_path):
    """prepare stamps a new gradebook with nbgrader's Alembic head read in this process; nbgrader
    itself runs ``alembic heads`` for it. Both must name the same revision, or nbgrader would one
    day take the gradebook for an old one and refuse it."""
    import dataclasses
    import sqlite3

    from nbgrader.api import get_alembic_version

    from coproduction_kit.core.settings import load_config

    workshop = load_config(tmp_path / "data", workshop_id="revision-check")
    curriculum = load_curriculum(workshop.curriculum_dir)
    one = next(iter(curriculum.modules))
    course.prepare(workshop, dataclasses.replace(curriculum, modules={one: curriculum.modules[one]}), say=lambda _: None)
    with sqlite3.connect(workshop.course_dir / "gradebook.db") as db:
        [(stamped,)] = db.execute("SELECT version_num FROM alembic_version").fetchall()
    assert stamped == course.gradebook_revision() == get_alembic_version()
