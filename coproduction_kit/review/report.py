"""The reviewing facilitators' report: per prompt, how many shared or passed, and what was said.

``summarise`` gives one row per exercise of the curriculum (counts, lengths, ratings and
choices counted, frequent words); ``write_xlsx`` and ``write_html`` put the shared answers and
that summary where a facilitator reads them; ``build_report`` writes every file at once.
Everything a participant typed is escaped in the HTML and inert text in the spreadsheets.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from coproduction_kit.core.curriculum import Curriculum, CurriculumError
from coproduction_kit.review.export import COLUMNS, load, neutralise_formula, new_private_file, write_csv
from coproduction_kit.core.private_files import private_file, private_folder
from coproduction_kit.store import Store
from coproduction_kit.core.stats import TEXT_KINDS, average_positions, grouped_tallies, tally, words

SUMMARY_COLUMNS = [
    "module", "exercise_id", "kind", "prompt", "responses", "passes", "median_length",
    "distribution", "frequent_words",
]
from coproduction_kit.core.kinds import TALLIED_KINDS as CHART_KINDS  # noqa: E402 (kinds drawn as bars)
EVALUATION = ".evaluation-"
WITHHELD = "Not shown until at least"  # an anonymous prompt with fewer than k answers
TOP_WORDS = 8
EXCEL_MAX_CHARS = 32_767


def summarise(frame: pd.DataFrame, curriculum: Curriculum, pass_counts: dict[str, int]) -> pd.DataFrame:
    """One row per exercise, in curriculum order, answered or not: what a facilitator scans first.

    ``responses`` counts shared, submitted answers and ``passes`` those who passed (never who).
    ``median_length`` (characters typed) and ``frequent_words`` (top 8, each with how many
    answers use it) are for free text.  ``distribution`` counts every point of a scale
    ("1: n; 2: n; …"), each option of a choice or checklist (one line each, in option order),
    and gives each sorted item's most common category.  ``frame`` needs the raw ``value``
    column of ``export.load(..., keep_values=True)``.
    """
    if "value" not in frame.columns:
        raise ValueError("summarise needs each answer's raw value: build the table with load(..., keep_values=True)")
    answered: dict[str, list] = {}
    module_of: dict[str, str] = {}
    for module_id, exercise_id, value in zip(frame["module"], frame["exercise_id"], frame["value"]):
        if value is None or (isinstance(value, (str, list, dict)) and not value):
            continue
        answered.setdefault(exercise_id, []).append(value)
        module_of.setdefault(exercise_id, module_id)
    rows = []
    for module_id, module in curriculum.modules.items():
        for entry in module["exercises"]:
            rows.append(_summary_row(module_id, entry, answered.pop(entry["id"], []), pass_counts))
    # Answers to an exercise since removed from the curriculum are still counted, at the end.
    for exercise_id in sorted(answered):
        entry = {"id": exercise_id, "kind": "reflection", "prompt": "(no longer in the curriculum)"}
        values = [str(v) for v in answered[exercise_id]]
        rows.append(_summary_row(module_of[exercise_id], entry, values, pass_counts))
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    summary["median_length"] = summary["median_length"].astype(float)
    return summary


def with_anonymous(summary: pd.DataFrame, curriculum: Curriculum, sent: dict[str, list], k: int) -> pd.DataFrame:
    """The summary with each anonymous exercise's row made from its anonymous answers.

    Those answers are linked to no one (``Store.send_anonymously``); they are counted and, once at
    least ``k`` people answered, summarised like any other.  Under ``k`` only the count shows.
    """
    summary = summary.copy()
    for index, row in summary.iterrows():
        try:
            entry = curriculum.exercise(row["exercise_id"])
        except CurriculumError:
            continue
        if not entry.get("anonymous"):
            continue
        values = sent.get(entry["id"], [])
        made = _summary_row(row["module"], entry, values if len(values) >= k else [], {})
        made.update(responses=len(values), passes=row["passes"])
        if len(values) < k:
            made["distribution"] = f"{WITHHELD} {k} people answer."
        for column, value in made.items():
            summary.at[index, column] = value
    summary["median_length"] = summary["median_length"].astype(float)
    return summary


def anonymous_texts(curriculum: Curriculum, sent: dict[str, list], k: int) -> dict[str, list[str]]:
    """The free-text anonymous answers per exercise, in random order, only where ``k`` answered."""
    texts = {}
    for exercise_id, values in sent.items():
        try:
            entry = curriculum.exercise(exercise_id)
        except CurriculumError:
            continue
        if entry["kind"] in TEXT_KINDS and entry.get("anonymous") and len(values) >= k:
            texts[exercise_id] = [str(v) for v in values if v not in (None, "")]
    return texts


def evaluation(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rows of the workshop evaluation (exercise ids containing ``.evaluation-``)."""
    return summary[summary["exercise_id"].str.contains(EVALUATION, regex=False)].reset_index(drop=True)


def _summary_row(module_id: str, entry: dict, values: list, pass_counts: dict[str, int]) -> dict:
    kind = entry["kind"]
    pieces = [_typed_pieces(value, kind) for value in values] if kind in TEXT_KINDS else []
    return {
        "module": module_id, "exercise_id": entry["id"], "kind": kind, "prompt": entry["prompt"],
        "responses": len(values), "passes": int(pass_counts.get(entry["id"], 0)),
        "median_length": statistics.median(sum(map(len, p)) for p in pieces) if pieces else None,
        "distribution": _distribution(entry, values),
        "frequent_words": _frequent_words(pieces),
    }


def _typed_pieces(value, kind: str) -> list[str]:
    if kind == "form" and isinstance(value, dict):
        return [str(text) for text in value.values()]
    return [str(value)]


def _frequent_words(pieces: list[list[str]]) -> str:
    # Each answer counts a word once: one long answer repeating a word does not make it a theme.
    counts: Counter = Counter()
    for answer in pieces:
        counts.update(set(words(unicodedata.normalize("NFC", " ".join(answer)))))
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_WORDS]
    return ", ".join(f"{word} ({n})" for word, n in top)


def _distribution(entry: dict, values: list) -> str:
    kind = entry["kind"]
    if kind == "scale":
        return "; ".join(f"{label}: {n}" for label, n in tally(entry, values))
    if kind in ("choice", "checklist"):  # one line each: an option may itself contain "; "
        return "\n".join(f"{label}: {n}" for label, n in tally(entry, values))
    if kind == "power_map":
        return "\n".join(f"{role}: authority {a:g}, expertise {e:g} ({n} maps)"
                         for role, n, a, e in average_positions(values))
    if kind in ("vignettes", "credit_matrix"):
        return "\n".join(f"{part}: " + "; ".join(f"{label} {n}" for label, n in counts)
                         for part, counts in grouped_tallies(entry, values))
    if kind == "sort":
        order = {category: i for i, category in enumerate(entry["categories"])}
        per_item = {item["id"]: Counter() for item in entry["items"]}
        for value in values:
            for item_id, category in (value if isinstance(value, dict) else {}).items():
                per_item.setdefault(item_id, Counter())[category] += 1
        lines = []
        for item_id, counts in per_item.items():
            if not counts:
                lines.append(f"{item_id}: no answers")
                continue
            best = min(counts, key=lambda c: (-counts[c], order.get(c, len(order)), str(c)))
            lines.append(f"{item_id}: {best} ({counts[best]} of {sum(counts.values())})")
        return "\n".join(lines)
    return ""


# Spreadsheet --------------------------------------------------------------------------------
# XML cannot hold these control characters; a cell keeps the text around them.
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _excel_value(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime):  # pandas Timestamps too; Excel cannot hold a time zone
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    if isinstance(value, str):
        # Control characters first: removing one must not uncover a leading "=".
        text = neutralise_formula(_ILLEGAL_IN_XLSX.sub("", value))
        return text if len(text) <= EXCEL_MAX_CHARS else text[: EXCEL_MAX_CHARS - 30] + " … (cut: see the CSV)"
    return value.item() if hasattr(value, "item") else value


def _write_column(sheet, number: int, series: pd.Series) -> None:
    if pd.api.types.is_datetime64_any_dtype(series):
        if series.dt.tz is not None:  # Excel cannot hold a time zone: naive UTC
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        for row, moment in enumerate(series.dt.to_pydatetime(), start=1):
            if moment is not pd.NaT and moment == moment:
                sheet.write_datetime(row, number, moment)
        return
    for row, value in enumerate(series.tolist(), start=1):
        value = _excel_value(value)
        if isinstance(value, str):
            sheet.write_string(row, number, value)
        elif value is not None:
            sheet.write(row, number, value)


def write_xlsx(frame: pd.DataFrame, summary: pd.DataFrame, path: str | Path) -> Path:
    """A workbook with a "Shared reflections" sheet and a "Summary" sheet; text is never a formula.

    Written with XlsxWriter, told never to turn text into a formula or a link; text that a
    spreadsheet could still read as one is neutralised as in the CSV.
    """
    import xlsxwriter

    path = new_private_file(path)
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": False, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd hh:mm:ss",
    })
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    wide = {"prompt": 50, "answer": 70, "distribution": 50, "frequent_words": 40}
    reflections = frame[[c for c in frame.columns if c != "value"]]
    try:
        for title, table in (("Shared reflections", reflections), ("Summary", summary)):
            sheet = book.add_worksheet(title)
            sheet.freeze_panes(1, 0)
            for number, column in enumerate(table.columns):
                sheet.set_column(number, number, wide.get(column, 18), wrap if column in wide else None)
            sheet.write_row(0, 0, list(table.columns), bold)
            for number, column in enumerate(table.columns):  # a column at a time: one kind of value
                _write_column(sheet, number, table[column])
    finally:
        book.close()
    return private_file(path)


def build_report(
    store: Store, workshop_id: str, curriculum: Curriculum, out_dir: str | Path,
    say: Callable[[str], None] = lambda _: None, k: int = 5,
) -> dict[str, Path]:
    """Write shared-reflections.csv, summary.csv, report.xlsx and report.html into ``out_dir``.

    Anonymous answers (the evaluation) are counted, and summarised only once ``k`` people answered.
    """
    out = Path(out_dir)
    if not out.exists():
        private_folder(out)
    say(f"Reading the shared answers of workshop {workshop_id} …")
    from coproduction_kit.review.report_html import write_html

    frame = load(store, workshop_id, curriculum, keep_values=True)
    sent = store.anonymous_answers(workshop_id)
    summary = with_anonymous(summarise(frame, curriculum, store.pass_counts(workshop_id)), curriculum, sent, k)
    table = frame[COLUMNS]
    paths = {
        "reflections": write_csv(table, out / "shared-reflections.csv"),
        "summary": write_csv(summary, out / "summary.csv"),
    }
    say("Writing the spreadsheet …")
    paths["xlsx"] = write_xlsx(table, summary, out / "report.xlsx")
    say("Writing the HTML report …")
    title = f"{curriculum.series.get('title', 'Workshop')}: shared reflections, workshop {workshop_id}"
    paths["html"] = write_html(table, summary, out / "report.html", title, curriculum=curriculum,
                               anonymous=anonymous_texts(curriculum, sent, k))
    return paths
