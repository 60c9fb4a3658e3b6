"""Withdrawal leaves no copy, and nothing the kit writes is open to other local users (issue #14, 6 and 7).

One real workshop in a temporary folder: nbgrader prepare, two participants submit, collect,
feedback released, an export and a report written; then one participant withdraws.
"""

import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from coproduction_kit.core.settings import PROJECT_ROOT, load_config
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.store import FACILITATORS, PRIVATE, ROOM, Store
from coproduction_kit.nbgrader.exchange import submit_module
from coproduction_kit.cli import main
from coproduction_kit.nbgrader.course import collect, release_feedback
from tests.conftest import TEST_WORKSHOP
from coproduction_kit.review.forget import withdraw

pytestmark = pytest.mark.nbgrader
TEXT = "payment.personal-experience"
# Letters and digits only: they reach every copy unchanged (Markdown escaping leaves them be).
DELETED = "Kx4DeletedDraftWords"     # typed, then replaced: only in the kept versions
SHARED = "Zq7WithdrawnWords"         # submitted, collected, fed back, exported, reported
PRIVATE_TEXT = "Pv2PrivateWords"     # never shared
STAYS = "Bn5StayingWords"            # the other participant's


def kit_umask(work):
    """Run ``work`` as the command line does (it sets umask 077), then give pytest its umask back."""
    old = os.umask(0o022)
    try:
        return work()
    finally:
        os.umask(old)


def every_file(root: Path):
    return [p for p in root.rglob("*") if p.is_file()]


def holds(path: Path, needle: str) -> bool:
    data = path.read_bytes()
    if needle.encode() in data:
        return True
    if zipfile.is_zipfile(path):  # an .xlsx: its sheets are compressed
        with zipfile.ZipFile(path) as book:
            return any(needle.encode() in book.read(name) for name in book.namelist())
    return False


@pytest.fixture(scope="module")
def held(tmp_path_factory, prepared_course):
    """The workshop after prepare, submit, collect, feedback, export and report; ana about to withdraw."""
    data = tmp_path_factory.mktemp("withdrawal") / "data"
    data.mkdir()
    (data / "workshop_config.py").write_text(f'c.WorkshopConfig.workshop_id = "{TEST_WORKSHOP}"\n')
    (data / "workshop_config.py").chmod(0o600)  # the facilitator's own file, not the kit's
    workshop = load_config(data)
    curriculum = load_curriculum(workshop.curriculum_dir)
    old = os.umask(0o022)  # nbgrader and the kit must set private modes themselves, whatever the umask
    try:
        prepared_course(workshop)  # a copy of the course prepared once, under umask 022 too
        store = Store.for_workshop(workshop)
        ana, _ = store.add_participant(workshop.workshop_id, "ana")
        ben, _ = store.add_participant(workshop.workshop_id, "ben")
        store.save_answer(ana, "payment", TEXT, DELETED, share=PRIVATE)
        store.save_answer(ana, "payment", TEXT, f"In the end: {SHARED}", share=FACILITATORS)
        store.save_answer(ana, "payment", "payment.personal-participation", PRIVATE_TEXT)
        store.save_answer(ben, "payment", TEXT, f"Mine: {STAYS}", share=ROOM)
        exercises = curriculum.exercises("payment")
        for person in (ana, ben):
            submit_module(store, person, "payment", exercises, workshop.course_dir, workshop.exchange_root)
        collect(workshop, curriculum, say=lambda _: None)
        release_feedback(workshop, curriculum, say=lambda _: None)
    finally:
        os.umask(old)
    exports = workshop.exports_dir
    assert kit_umask(lambda: main(["--data-dir", str(data), "export", "--out", str(exports / "shared.csv")])) == 0
    assert kit_umask(lambda: main(["--data-dir", str(data), "report", "--out", str(exports / "review")])) == 0
    return workshop, curriculum, store, ana


def test_before_withdrawal_the_words_are_everywhere_the_kit_copies_them(held):
    """The attack's starting point: released feedback, exports, reports and the store's files hold them."""
    workshop, _, _, ana = held
    data = Path(workshop.data_dir)
    where = {p.relative_to(data).parts[0] for p in every_file(data) if holds(p, SHARED)}
    assert {"exchange", "course", "exports"} <= where
    assert any(holds(p, SHARED) for p in (workshop.exchange_root / workshop.workshop_id / "feedback").iterdir())
    assert any(holds(p, DELETED) for p in data.glob("store.sqlite*"))
    named = {p.relative_to(data).parts[0] for p in data.rglob("*") if p.name.split("+", 1)[0] == ana.review_id}
    assert {"exchange", "course"} <= named  # their submission, its lock, their course folders


def test_nothing_the_kit_wrote_is_open_to_other_users(held):
    """Issue #14 item 7: after prepare, submit, collect, feedback, export and report: no group/other bit."""
    workshop, _, _, _ = held
    data = Path(workshop.data_dir)
    open_to_others = [
        f"{oct(stat.S_IMODE(p.stat().st_mode))} {p.relative_to(data)}"
        for p in [data, *data.rglob("*")] if stat.S_IMODE(p.stat().st_mode) & 0o077
    ]
    assert open_to_others == []
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "store.sqlite").stat().st_mode) == 0o600


def test_withdrawal_removes_every_copy_down_to_the_bytes(held):
    """Issue #14 item 6: after a withdrawal no file under the data folder holds a word of it."""
    workshop, curriculum, store, ana = held
    data = Path(workshop.data_dir)
    # What a crash while submitting left in the staging folder: one named after ana, one older
    # unnamed one (an earlier version gave staging folders random names).
    staging = workshop.exchange_root / workshop.workshop_id / ".staging"
    for name in (f"{ana.review_id}+0123abcd", "89abcdef0123"):
        (staging / name).mkdir()
        (staging / name / "payment.ipynb").write_text(f"half-written {SHARED}")
    old = time.time() - 3600
    os.utime(staging / "89abcdef0123", (old, old))
    done = withdraw(workshop, store, ana, curriculum)
    assert done["submissions"] == 1 and done["feedback pages"] == 1 and done["collected copies"] == 3
    assert done["gradebook entries"] == 1 and done["scrubbed"]
    assert sorted(Path(p).name for p in done["rebuilt"]) == ["review", "shared.csv"] and done["removed"] == []
    for needle in (SHARED, DELETED, PRIVATE_TEXT):
        assert [str(p.relative_to(data)) for p in every_file(data) if holds(p, needle)] == []
    # Nor does any file or folder bear their name in nbgrader (the submit lock, a staging folder).
    theirs = {ana.review_id, ana.pseudonym}
    assert [str(p.relative_to(data)) for p in data.rglob("*") if p.name.split("+", 1)[0] in theirs] == []
    for name in ("store.sqlite", "store.sqlite-wal", "store.sqlite-shm"):  # named, in case one is missing
        if (data / name).exists():
            assert not holds(data / name, SHARED)
    # The other participant's words are still there, in the rebuilt export and report.
    assert holds(workshop.exports_dir / "shared.csv", STAYS)
    assert holds(workshop.exports_dir / "review" / "report.html", STAYS)
    assert holds(workshop.exports_dir / "review" / "report.xlsx", STAYS)
    # And the rebuilt files are private too.
    for path in [workshop.exports_dir / "shared.csv", *(workshop.exports_dir / "review").iterdir()]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_withdrawal_page_names_what_went_and_what_is_left_to_do_by_hand(held, tmp_path):
    import jinja2

    from coproduction_kit.server import landing

    workshop, _, _, ana = held
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(landing.__file__).parent / "templates"),
                                   autoescape=True)
    done = {"answers": 2, "revisions": 3, "submissions": 1, "feedback pages": 1, "collected copies": 3,
            "gradebook entries": 1, "rebuilt": ["/x/exports/shared.csv"], "removed": ["/x/exports/old.csv"],
            "scrubbed": True, "by hand": ["copies of exports or reports that a facilitator downloaded"]}
    page = templates.get_template("withdraw.html").render(participant=ana, base_url="/", done=done, xsrf_form_html="")
    assert "shared.csv" in page and "old.csv" in page and "/x/exports" not in page
    assert "1 feedback page(s)" in page and "delete these by hand" in page and "facilitator downloaded" in page


def test_the_command_line_makes_the_data_folder_and_its_files_private(tmp_path):
    """umask 077 where the kit's processes start: a command run with a loose umask writes 0600 files.

    A data folder left open by an earlier version (0755, a log 0644) is closed too.
    """
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    (data / "logs" / "participants.log").write_text("an old log")
    for path, old_mode in ((data, 0o755), (data / "logs", 0o755), (data / "logs" / "participants.log", 0o644)):
        path.chmod(old_mode)
    result = subprocess.run(
        [sys.executable, "-m", "coproduction_kit.cli", "--data-dir", str(data), "plan"],
        capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022), cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    plan = data / "exports" / "session-plan.html"
    assert stat.S_IMODE(plan.stat().st_mode) == 0o600
    assert stat.S_IMODE(plan.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "logs" / "participants.log").stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "logs").stat().st_mode) == 0o700


def test_after_a_resubmission_the_next_collect_replaces_every_course_copy(held):
    """Issue #14 item 8, the course side: collect --update replaces what it copied; stale feedback goes.

    Runs last: ben submits again after the withdrawal above.
    """
    workshop, curriculum, store, _ = held
    ben = store.participant_by_pseudonym(workshop.workshop_id, "ben")
    feedback = workshop.course_dir / "feedback" / ben.review_id / "payment"
    assert holds(feedback / "payment.html", STAYS)
    store.save_answer(ben, "payment", TEXT, f"Mine: {STAYS}", share=PRIVATE)
    store.save_answer(ben, "payment", "payment.personal-participation", "Rs8Replacement", share=FACILITATORS)
    submit_module(store, ben, "payment", curriculum.exercises("payment"), workshop.course_dir, workshop.exchange_root)
    collect(workshop, curriculum, say=lambda _: None)
    course_and_exchange = every_file(workshop.course_dir) + every_file(workshop.exchange_root)
    assert [p for p in course_and_exchange if holds(p, STAYS)] == []
    assert holds(workshop.course_dir / "autograded" / ben.review_id / "payment" / "payment.ipynb", "Rs8Replacement")
    assert not feedback.exists()  # made again from the new submission by the next `workshop feedback`
