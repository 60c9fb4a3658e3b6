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
"""

from __future__ import annotations

import base64
import html
import os
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


from .store import FACILITATORS, ROOM, Answer, Participant, Store

SHARED = (FACILITATORS, ROOM)
NBGRADER_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format default
# The answer's one HTML element: MathJax 2 and 3 leave it alone ($x$ stays as typed), the reader's
# browser lays out right-to-left text by its first strong letter, and white space is kept.
_ANSWER_OPEN = ('<div class="workshop-answer tex2jax_ignore mathjax_ignore" dir="auto" '
                'style="white-space: pre-wrap">')


class SubmitError(Exception):
    """The submission could not be placed; the message says what a facilitator should do."""


@dataclass(frozen=True)
class SubmitResult:
    module_id: str
    sent: list[Answer]
    submitted_at: datetime
    folder: Path


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


def answer_text(value, entry: dict) -> str:
    """An answer as a reviewer reads it: text as typed, a rating with its scale, a choice, …"""
    kind = entry["kind"]
    if kind == "scale":
        spec = entry["scale"]
        return f"{value} on a scale from {spec['min']} ({spec['min_label']}) to {spec['max']} ({spec['max_label']})"
    if kind == "checklist":
        return "\n".join(f"- {option}" for option in value or [])
    if kind == "sort":
        texts = {item["id"]: item["text"] for item in entry["items"]}
        return "\n".join(f"{texts.get(item_id, item_id)} → {category}" for item_id, category in (value or {}).items())
    if kind == "payment_calculator":
        return ", ".join(f"{name}: {setting}" for name, setting in (value or {}).items())
    if kind == "budget_planner":
        from .budget_planner import budget_rows

        rows = budget_rows(entry["items"], value)
        return "\n".join(f"{label}: {q:g} {unit} × {c:.2f} = {t:.2f}" for label, unit, q, c, t in rows) + \
            f"\nTotal: {sum(r[4] for r in rows):.2f}"
    if kind == "vignettes":
        settings = {item["id"]: item["setting"] for item in entry["items"]}
        return "\n".join(f"{settings.get(i, i)}: credibility {a.get('credibility')}/5; what happened: {a.get('what')}"
                         for i, a in (value or {}).items())
    if kind == "credit_matrix":
        from .widget_credit_matrix import statement

        lines, authors, thanked = statement(entry["team"], value)
        return "\n".join([*lines, f"Authors: {', '.join(authors) or 'none'}",
                          f"Acknowledged: {', '.join(thanked) or 'none'}"])
    if kind == "power_map":
        return "\n".join(f"{role}: formal authority {a}/10, recognised expertise {e}/10"
                         for role, (a, e) in (value or {}).items())
    if kind == "form":
        labels = {field["id"]: field["label"] for field in entry["fields"]}
        return "\n".join(f"{labels.get(field_id, field_id)}: {text}" for field_id, text in (value or {}).items())
    return str(value)


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
    staging_root = course / ".staging"
    staging_root.mkdir(exist_ok=True)
    staging = staging_root / secrets.token_hex(8)
    staging.mkdir()
    try:
        for name, notebook in notebooks.items():
            nbformat.write(notebook, staging / name)
        (staging / "timestamp.txt").write_text(timestamp, encoding="utf-8")
        (staging / "submission_secret.txt").write_text(secrets.token_hex(64), encoding="utf-8")
        for item in staging.iterdir():
            item.chmod(0o644)
        staging.chmod(0o777)  # as nbgrader leaves it, so an instructor account can tidy up
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
    submitted_at = datetime.now(timezone.utc)
    folder = place_in_exchange(
        exchange_root, participant.workshop_id, student_id(participant, blind), module_id,
        {f"{module_id}.ipynb": notebook}, submitted_at,
    )
    store.record_submission(participant, module_id, sent, submitted_at, folder.name)
    return SubmitResult(module_id, sent, submitted_at, folder)
