"""The submit bridge: from the store to nbgrader's exchange, as ``nbgrader submit`` would.

For one participant and module it takes the module's release notebook (made by
``workshop prepare`` with nbgrader), writes each *shared* answer, escaped, into that exercise's
0-point manually graded answer cell, and places the notebook in the exchange's inbound folder
under nbgrader's own name, ``{student}+{assignment}+{timestamp}+{random}``.  Private answers
and passes are never written.

nbgrader's own submit copies files straight into the inbound folder, so a collect running at
the same moment can see half a submission (nbgrader issue #919).  Here each submission is
written in a private folder beside ``inbound`` and renamed into place in one step: collect
sees all of it or none of it, and every submission has its own random suffix.

A submission replaces the participant's earlier ones for that module: once the new one is in
place and recorded, the earlier ones leave the exchange (with any feedback released on them),
so an answer made private since is no longer there.  Submits of one participant and module
queue on a lock, so two at once leave one.  Submit never half-happens: if recording it fails,
the placed submission is taken back out and the participant is told.  nbgrader's collect
(``--update``) then replaces its collected copy with the newest submission.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import html
import os
import secrets
import shutil
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path


from coproduction_kit.core.kinds import answer_text  # still importable from here (export, journal)
from coproduction_kit.core.private_files import create_private_file, file_mode, folder_mode, private_folder
from coproduction_kit.store import FACILITATORS, ROOM, Participant, Store
# What a Submit ends with lives in the store, so its hub client can name it; imported from here too.
from coproduction_kit.store.outcomes import SubmitError, SubmitResult  # noqa: F401

SHARED = (FACILITATORS, ROOM)
NBGRADER_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format default
# The answer's one HTML element: MathJax 2 and 3 leave it alone ($x$ stays as typed), the reader's
# browser lays out right-to-left text by its first strong letter, and white space is kept.
_ANSWER_OPEN = ('<div class="workshop-answer tex2jax_ignore mathjax_ignore" dir="auto" '
                'style="white-space: pre-wrap">')


def grade_id(exercise_id: str) -> str:
    """nbgrader's cell id for an exercise: ``payment.gift-card`` becomes ``payment__gift-card``."""
    return exercise_id.replace(".", "__")


def escape_markdown(text: str) -> str:
    """Participant text made inert for a Markdown cell, and shown exactly as typed.

    The whole answer becomes one HTML block on a single line: every character that HTML reads
    as markup is an entity, every line break is ``&#10;``, so Markdown never sees a heading, a
    link or a blank line inside it, and formgrader and nbgrader's feedback pages (both rendered by
    nbconvert) show apostrophes, quotes, backslashes, ``$math$``, emoji and right-to-left text as
    the participant typed them.  (Backslash-escaping Markdown inside entity-escaped text showed
    reviewers ``I don&#x27;t``.)
    """
    body = html.escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=True)
    return _ANSWER_OPEN + body.replace("\n", "&#10;") + "</div>"


def student_id(participant: Participant, blind: bool) -> str:
    """The participant's id in nbgrader: a review code when review is blind, else the pseudonym."""
    return participant.review_id if blind else participant.pseudonym


def release_notebook_path(course_dir: Path, module_id: str) -> Path:
    return Path(course_dir) / "release" / module_id / f"{module_id}.ipynb"


def build_submission(release_path: Path, shared: dict[str, str]):
    """The participant's copy of the release notebook with each shared answer in its cell."""
    import nbformat  # imported on submit only: it keeps the participant's kernel start fast

    if not release_path.exists():
        raise SubmitError(
            "This module has not been prepared for submissions yet "
            f"({release_path} is missing). A facilitator can run `workshop prepare`."
        )
    notebook = nbformat.read(release_path, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in notebook.cells}
    for exercise_id, text in shared.items():
        cell = cells.get(grade_id(exercise_id))
        if cell is None:
            raise SubmitError(
                f"The release notebook {release_path} has no answer cell for {exercise_id}; "
                "a facilitator can run `workshop prepare` again."
            )
        cell.source = escape_markdown(text)
    return notebook


def place_in_exchange(
    exchange_root: Path, course_id: str, student_id: str, assignment_id: str,
    notebooks: dict, submitted_at: datetime,
) -> Path:
    """Put a submission where ``nbgrader submit`` puts it, all at once."""
    import nbformat

    if "+" in student_id or "*" in student_id:  # nbgrader's own rule
        raise SubmitError(f"nbgrader cannot take the student id {student_id!r}")
    course = Path(exchange_root) / course_id
    inbound = course / "inbound"
    if not inbound.is_dir():
        raise SubmitError(
            f"The nbgrader exchange is not set up ({inbound} is missing). "
            "A facilitator can run `workshop prepare`."
        )
    timestamp = submitted_at.strftime(NBGRADER_TIMESTAMP)
    random_part = base64.urlsafe_b64encode(os.urandom(9)).decode("ascii")
    final = inbound / f"{student_id}+{assignment_id}+{timestamp}+{random_part}"
    # Named after the student, so that a withdrawal also finds one left by a crash.
    staging = private_folder(course / ".staging") / f"{student_id}+{secrets.token_hex(8)}"
    staging.mkdir(mode=0o700)
    try:
        for name, notebook in notebooks.items():
            nbformat.write(notebook, staging / name)
        (staging / "timestamp.txt").write_text(timestamp, encoding="utf-8")
        (staging / "submission_secret.txt").write_text(secrets.token_hex(64), encoding="utf-8")
        # Only the workshop's account (or the data folder's group on a hub) reads a submission.
        for item in staging.iterdir():
            item.chmod(file_mode(item))
        staging.chmod(folder_mode(staging))
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def submit_module(
    store: Store, participant: Participant, module_id: str, exercises: list[dict],
    course_dir: Path, exchange_root: Path, blind: bool = True,
) -> SubmitResult:
    """Send the participant's shared answers for one module to nbgrader; record what was sent."""
    by_id = {a.exercise_id: a for a in store.answers_for(participant, module_id)}
    sent = []
    shared_text = {}
    for entry in exercises:
        answer = by_id.get(entry["id"])
        if answer is None or answer.passed or answer.share not in SHARED:
            continue
        if answer.value in (None, "", [], {}):
            continue
        sent.append(answer)
        shared_text[entry["id"]] = answer_text(answer.value, entry)
    notebook = build_submission(release_notebook_path(course_dir, module_id), shared_text)
    student = student_id(participant, blind)
    with one_submit_at_a_time(exchange_root, participant.workshop_id, student, module_id):
        submitted_at = datetime.now(timezone.utc)
        folder = place_in_exchange(
            exchange_root, participant.workshop_id, student, module_id,
            {f"{module_id}.ipynb": notebook}, submitted_at,
        )
        try:
            store.record_submission(participant, module_id, sent, submitted_at, folder.name)
        except BaseException as err:
            # The store still holds the earlier state: take the new submission back out with it.
            shutil.rmtree(folder, ignore_errors=True)
            if not isinstance(err, Exception):
                raise
            raise SubmitError(
                "the workshop could not record your submission, so it was taken back and "
                "nothing was sent. Your answers are still saved on this page; try again in a "
                "moment, or tell a facilitator."
            ) from err
        try:
            remove_submissions(exchange_root, participant.workshop_id, nbgrader_ids(participant), module_id,
                               keep=folder.name)
        except OSError:  # the new one is in place and recorded; the next submit or withdrawal retries
            pass
    return SubmitResult(module_id, sent, submitted_at, folder)


def nbgrader_ids(participant: Participant) -> set[str]:
    """Every id the participant may have in nbgrader: review code and pseudonym.

    Both, so that what was submitted while review was not blind is found too.
    """
    return {participant.review_id, participant.pseudonym} - {""}


@contextmanager
def one_submit_at_a_time(exchange_root: Path, course_id: str, student: str, module_id: str):
    """Queue the submits of one participant and module (two tabs, a double click, two kernels).

    An ``flock`` on an empty file in the exchange's staging folder: it works across processes
    and threads alike, and the withdrawal removes the file with the participant's other traces.
    """
    staging = Path(exchange_root) / course_id / ".staging"
    if not staging.parent.is_dir():
        yield  # no exchange: place_in_exchange says so in plain words
        return
    lock_path = create_private_file(private_folder(staging) / f"{student}+{module_id}.lock")
    with open(lock_path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def released_feedback_of(submission: Path, exchange_course: Path) -> list[Path]:
    """Feedback that nbgrader's release_feedback put in the exchange for this submission.

    nbgrader names it by a hash of the submission's secret and the notebook's name.
    """
    secret_file = submission / "submission_secret.txt"
    if not secret_file.is_file():
        return []
    secret = secret_file.read_text(encoding="utf-8")
    pages = []
    for notebook in submission.glob("*.ipynb"):
        # nbgrader.utils.notebook_hash(secret=…, notebook_id=…), written out: importing nbgrader
        # costs a page's kernel over a second at Submit.
        digest = hashlib.md5((secret + notebook.stem).encode("utf-8")).hexdigest()
        page = exchange_course / "feedback" / f"{digest}.html"
        if page.exists():
            pages.append(page)
    return pages


def remove_submissions(exchange_root: Path, course_id: str, students: set[str], module_id: str | None = None,
                       keep: str | None = None) -> list[Path]:
    """Remove these students' submissions (of one module, or all) from the exchange, except ``keep``.

    Their released feedback goes with them; returns what was removed.
    """
    course = Path(exchange_root) / course_id
    inbound = course / "inbound"
    if not inbound.is_dir():
        return []
    removed = []
    for folder in inbound.iterdir():
        parts = folder.name.split("+")
        if len(parts) < 3 or parts[0] not in students or folder.name == keep:
            continue
        if module_id is not None and parts[1] != module_id:
            continue
        for page in released_feedback_of(folder, course):
            page.unlink(missing_ok=True)
            removed.append(page)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
