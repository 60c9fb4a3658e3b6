"""The reviewing facilitators' report: per prompt, how many shared or passed, and what was said.

``prompt_summaries`` counts each exercise of the curriculum (answers, passes, lengths, ratings
and choices counted, frequent words); ``report_page`` gathers those counts, the shared answers
and the evaluation into the structure the HTML page is drawn from (``report_html``);
``summarise`` gives the same counts as the summary table of the CSV and the spreadsheet
(``report_xlsx``); ``build_report`` writes every file at once.  Everything a participant typed
is escaped in the HTML and inert text in the spreadsheets.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pandas as pd

from coproduction_kit.core.curriculum import (FOLLOW_UP, FOLLOW_UP_EXERCISE, Curriculum, CurriculumError,
                                              follow_up_exercise)
from coproduction_kit.core.private_files import private_folder
from coproduction_kit.core.programme import TITLE as PROGRAMME_TITLE
from coproduction_kit.core.kinds import TALLIED_KINDS as CHART_KINDS, TEXT_KINDS  # CHART_KINDS: drawn as bars
from coproduction_kit.core.stats import average_positions, grouped_tallies, tally, words
from coproduction_kit.review.evaluation import EFFECT_SIZE, PairedChange, change_frame, evaluation_changes
from coproduction_kit.review.export import COLUMNS, load, write_csv
from coproduction_kit.review.report_html import write_html
from coproduction_kit.review.report_xlsx import write_xlsx
from coproduction_kit.store import ROOM, Store

SUMMARY_COLUMNS = [
    "module", "exercise_id", "kind", "prompt", "responses", "passes", "median_length",
    "distribution", "frequent_words",
]
EVALUATION = ".evaluation-"
WITHHELD = "Not shown until at least"  # an anonymous prompt with fewer than k answers
TOP_WORDS = 8


@dataclass(frozen=True)
class PromptSummary:
    """One exercise's counts: the columns of the summary table, and what its chart is drawn from.

    ``counts`` is, for a scale, choice or checklist (``CHART_KINDS``), each point or option with
    how many chose it, in order (empty for other kinds and while ``withheld``); ``ends`` names a
    scale's two end points.  ``withheld`` is True for an anonymous prompt fewer than k people
    answered: only its number of answers is shown.
    """

    module: str
    exercise_id: str
    kind: str
    prompt: str
    responses: int
    passes: int
    median_length: float | None
    distribution: str
    frequent_words: str
    counts: tuple[tuple[str, int], ...] = ()
    ends: dict = field(default_factory=dict)
    withheld: bool = False

    @property
    def is_evaluation(self) -> bool:
        return EVALUATION in self.exercise_id or self.exercise_id == FOLLOW_UP_EXERCISE

    def row(self) -> dict:
        """The summary table's columns (``SUMMARY_COLUMNS``)."""
        return {column: getattr(self, column) for column in SUMMARY_COLUMNS}


def prompt_summaries(frame: pd.DataFrame, curriculum: Curriculum, pass_counts: dict[str, int]) -> list[PromptSummary]:
    """One summary per exercise, in curriculum order, answered or not: what a facilitator scans first.

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
    summaries = []
    for module_id, module in curriculum.modules.items():
        for entry in module["exercises"]:
            summaries.append(_summary(module_id, entry, answered.pop(entry["id"], []), pass_counts))
    # Answers to an exercise since removed from the curriculum are still counted, at the end.
    for exercise_id in sorted(answered):
        entry = {"id": exercise_id, "kind": "reflection", "prompt": "(no longer in the curriculum)"}
        values = [str(v) for v in answered[exercise_id]]
        summaries.append(_summary(module_of[exercise_id], entry, values, pass_counts))
    return summaries


def with_anonymous_summaries(summaries: list[PromptSummary], curriculum: Curriculum, sent: dict[str, list],
                             k: int) -> list[PromptSummary]:
    """The summaries, each anonymous exercise's made from its anonymous answers.

    Those answers are linked to no one (``Store.send_anonymously``); they are counted and, once at
    least ``k`` people answered, summarised like any other.  Under ``k`` only the count shows.
    """
    made = []
    for summary in summaries:
        try:
            entry = curriculum.exercise(summary.exercise_id)
        except CurriculumError:
            entry = {}
        made.append(_anonymous(summary.module, entry, sent.get(entry["id"], []), summary.passes, k)
                    if entry.get("anonymous") else summary)
    return made


def summary_frame(summaries: list[PromptSummary]) -> pd.DataFrame:
    """The summary table (``SUMMARY_COLUMNS``) of the CSV and the spreadsheet."""
    summary = pd.DataFrame([s.row() for s in summaries], columns=SUMMARY_COLUMNS)
    summary["median_length"] = summary["median_length"].astype(float)
    return summary


def summarise(frame: pd.DataFrame, curriculum: Curriculum, pass_counts: dict[str, int]) -> pd.DataFrame:
    """``prompt_summaries`` as the summary table."""
    return summary_frame(prompt_summaries(frame, curriculum, pass_counts))


def with_anonymous(summary: pd.DataFrame, curriculum: Curriculum, sent: dict[str, list], k: int) -> pd.DataFrame:
    """The summary table with each anonymous exercise's row made from its anonymous answers (as above)."""
    summary = summary.copy()
    for index, row in summary.iterrows():
        try:
            entry = curriculum.exercise(row["exercise_id"])
        except CurriculumError:
            continue
        if entry.get("anonymous"):
            for column, value in _anonymous(row["module"], entry, sent.get(entry["id"], []), row["passes"], k).row().items():
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


def _summary(module_id: str, entry: dict, values: list, pass_counts: dict[str, int]) -> PromptSummary:
    kind = entry["kind"]
    pieces = [_typed_pieces(value, kind) for value in values] if kind in TEXT_KINDS else []
    scale = entry.get("scale", {})
    return PromptSummary(
        module=module_id, exercise_id=entry["id"], kind=kind, prompt=entry["prompt"],
        responses=len(values), passes=int(pass_counts.get(entry["id"], 0)),
        median_length=statistics.median(sum(map(len, p)) for p in pieces) if pieces else None,
        distribution=_distribution(entry, values), frequent_words=_frequent_words(pieces),
        counts=tuple(tally(entry, values)) if kind in CHART_KINDS else (),
        ends={scale[end]: scale.get(f"{end}_label") for end in ("min", "max") if end in scale},
    )


def _anonymous(module_id: str, entry: dict, values: list, passes: int, k: int) -> PromptSummary:
    """An anonymous exercise's summary: counted always, summarised only once ``k`` people answered."""
    if len(values) >= k:
        return replace(_summary(module_id, entry, values, {}), passes=int(passes))
    return replace(_summary(module_id, entry, [], {}), responses=len(values), passes=int(passes), counts=(),
                   distribution=f"{WITHHELD} {k} people answer.", withheld=True)


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
    if kind in ("vignettes", "credit_matrix", "matched_items"):
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


# The HTML page's structure --------------------------------------------------------------------
@dataclass(frozen=True)
class SharedAnswer:
    """An answer a participant shared and submitted, with their pseudonym (for follow-up)."""

    pseudonym: str
    text: str
    with_room: bool  # shared anonymously with the room as well as with the facilitators


@dataclass(frozen=True)
class PromptReport:
    """A prompt's counts, its shared answers, and (anonymous prompts) the answers linked to no one."""

    summary: PromptSummary
    shared: tuple[SharedAnswer, ...] = ()
    unlinked: tuple[str, ...] | None = None  # None: not listed (not free text, or under k answers)


@dataclass(frozen=True)
class ModuleReport:
    id: str
    title: str
    prompts: tuple[PromptReport, ...]


@dataclass(frozen=True)
class ReportPage:
    """Everything the HTML report shows, in its order: modules, the evaluation, the shared answers."""

    title: str
    made: datetime
    answers: int  # shared answers
    participants: int  # who shared them
    modules: tuple[ModuleReport, ...]
    evaluation: tuple[PromptReport, ...]
    changes: tuple[PairedChange, ...] = ()  # the evaluation's paired change (review/evaluation.py)
    effect_size: str = EFFECT_SIZE
    k: int = 5

    @property
    def change_groups(self) -> list[tuple[str, list[PairedChange]]]:
        """The changes by comparison (start → end, start → follow-up), in order."""
        groups: dict[str, list[PairedChange]] = {}
        for change in self.changes:
            groups.setdefault(change.comparison, []).append(change)
        return list(groups.items())
    # The programme's own figures (``core/programme.py``), as (figure, value); None: none entered.
    programme: tuple[tuple[str, str], ...] | None = None


def report_page(frame: pd.DataFrame, summaries: list[PromptSummary], title: str,
                curriculum: Curriculum | None = None, anonymous: dict[str, list[str]] | None = None,
                made: datetime | None = None, changes: list[PairedChange] | None = None, k: int = 5) -> ReportPage:
    """The report's structure from the shared answers (``frame``, the columns of ``export.COLUMNS``)
    and the summaries.  ``curriculum`` gives module titles; ``anonymous`` the evaluation's free-text
    answers, linked to no one, in random order (only where enough people answered: ``anonymous_texts``);
    ``made`` the time it says it was made (in the workshop's time zone: ``core.clock.now``; UTC if not given)."""
    shared: dict[str, list[SharedAnswer]] = {}
    for row in frame.itertuples():
        if row.answer:
            shared.setdefault(row.exercise_id, []).append(
                SharedAnswer(row.pseudonym, row.answer, row.share_level == ROOM))
    anonymous = anonymous or {}
    prompts = [PromptReport(s, tuple(shared.get(s.exercise_id, ())),
                            tuple(anonymous[s.exercise_id]) if s.exercise_id in anonymous else None)
               for s in summaries]
    by_module: dict[str, list[PromptReport]] = {}
    for prompt in prompts:
        by_module.setdefault(prompt.summary.module, []).append(prompt)
    modules = tuple(
        ModuleReport(module_id, curriculum.title(module_id) if curriculum and module_id in curriculum.modules
                     else module_id, tuple(module_prompts))
        for module_id, module_prompts in by_module.items()
    )
    return ReportPage(title=title, made=made or datetime.now(timezone.utc), answers=len(frame),
                      participants=int(frame["pseudonym"].nunique()), modules=modules,
                      evaluation=tuple(p for p in prompts if p.summary.is_evaluation),
                      changes=tuple(changes or ()), k=k)


def build_report(
    store: Store, workshop_id: str, curriculum: Curriculum, out_dir: str | Path,
    say: Callable[[str], None] = lambda _: None, k: int = 5, made: datetime | None = None,
) -> dict[str, Path]:
    """Write shared-reflections.csv, summary.csv, evaluation-change.csv, report.xlsx and report.html.

    Anonymous answers (the evaluation) are counted, and summarised only once ``k`` people answered;
    the evaluation's paired change is shown only for statements with at least ``k`` pairs.
    The programme's own figures, once entered, are a table of the page, a sheet of the spreadsheet
    and programme.csv.
    """
    out = Path(out_dir)
    if not out.exists():
        private_folder(out)
    say(f"Reading the shared answers of workshop {workshop_id} …")
    frame = load(store, workshop_id, curriculum, keep_values=True)
    sent = store.anonymous_answers(workshop_id)
    summaries = with_anonymous_summaries(prompt_summaries(frame, curriculum, store.pass_counts(workshop_id)),
                                         curriculum, sent, k)
    if curriculum.evaluation is not None:  # the follow-up's reactions, paired or not
        summaries.append(_anonymous(FOLLOW_UP, follow_up_exercise(curriculum.evaluation),
                                    sent.get(FOLLOW_UP_EXERCISE, []), 0, k))
    changes = evaluation_changes(curriculum, store.paired_answers(workshop_id), k)
    summary = summary_frame(summaries)
    table = frame[COLUMNS]
    paths = {
        "reflections": write_csv(table, out / "shared-reflections.csv"),
        "summary": write_csv(summary, out / "summary.csv"),
        "change": write_csv(change_frame(changes), out / "evaluation-change.csv"),
    }
    say("Writing the spreadsheet …")
    figures = store.programme_figures(workshop_id)
    programme = pd.DataFrame(figures.rows() if figures else [], columns=["figure", "value"])
    if figures:
        paths["programme"] = write_csv(programme, out / "programme.csv")
    more = {"Change": change_frame(changes)}
    if figures:
        more[PROGRAMME_TITLE] = programme
    paths["xlsx"] = write_xlsx(table, summary, out / "report.xlsx", more)
    say("Writing the HTML report …")
    title = f"{curriculum.series.get('title', 'Workshop')}: shared reflections, workshop {workshop_id}"
    page = report_page(table, summaries, title, curriculum, anonymous_texts(curriculum, sent, k), made, changes, k)
    page = replace(page, programme=tuple(figures.rows()) if figures else None)
    paths["html"] = write_html(page, out / "report.html")
    return paths
