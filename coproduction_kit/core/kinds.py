"""Every exercise kind, declared once: its notebook call, widget, data, answer text, counting, minutes.

A module notebook shows an exercise with one line, ``reflect("payment.personal-what-it-means")``;
the curriculum says which kind each exercise is.  This registry is the one place that says, for
each kind, what the rest of the kit needs to know:

- ``call``: the notebook function (``coproduction_kit.widgets`` makes one per kind, and
  ``workshop check`` matches each call in a notebook against the exercise's kind);
- ``widget``: the widget class, as ``"module:Class"`` (core never imports ipywidgets; the widgets
  layer imports it);
- ``schema``: where in ``curriculum/schema/`` the exercise's extra fields are defined (None: a
  kind with only ``id``, ``kind`` and ``prompt``);
- ``answer``: the type of a stored answer (``fits`` checks one);
- ``text``: the answer as a reviewer reads it (journal, formgrader, export), from ``answers_text``;
- ``counted``: how the room view and the report count answers: ``text`` (frequent words),
  ``tallied`` (bars per point or option), ``grouped`` (bars per item), ``positions`` (averaged on
  a chart) or ``none``;
- its minutes (reading, answering, per item), in ``curriculum/kinds.yaml``: ``minutes()``; with
  the file's figures for every exercise (reading speed, choosing a share level, the room's
  discussion), ``timing()`` estimates what one exercise takes.

Adding a kind (``tests/unit/test_kinds.py`` checks that every part agrees):

1. its widget: ``coproduction_kit/widgets/kinds/<kind>.py``, a subclass of ``Exercise``; what the
   answer text or the counts also need (pure functions, no widgets) goes in core beside it
   (``answers_text.py`` or a small module of its own, as ``credit.py``);
2. one ``Kind(...)`` entry in ``KINDS`` below (with its ``text`` function if ``str(value)`` is not
   how a reviewer should read the answer);
3. its data: the kind's name in ``module.schema.json``'s ``kind`` enum, its extra fields as
   ``$defs/<kind>`` with an ``allOf`` rule ``{"if": <kind>, "then": {"$ref": "#/$defs/<kind>"}}``,
   and its line of minutes in ``curriculum/kinds.yaml``.

The notebook call, ``workshop check``, the counts and the answer text then follow from the entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from coproduction_kit.core import answers_text as texts

# How a kind's answers are counted, in the room view and the report.
TEXT, TALLIED, GROUPED, POSITIONS, NONE = "text", "tallied", "grouped", "positions", "none"
MINUTES_FILE = "kinds.yaml"


@dataclass(frozen=True)
class Kind:
    name: str
    call: str
    widget: str
    summary: str  # the notebook call's docstring: what the participant sees
    schema: str | None
    answer: type
    counted: str = NONE
    text: Callable[[object, dict], str] = texts.as_typed

    @property
    def widget_module(self) -> str:
        return self.widget.split(":")[0]

    @property
    def widget_class(self) -> str:
        return self.widget.split(":")[1]

    def fits(self, value) -> bool:
        """Whether a stored answer has this kind's shape (None is an exercise not yet answered)."""
        return value is None or (isinstance(value, self.answer) and not isinstance(value, bool))

    def schema_definition(self, curriculum_dir: str | Path) -> dict | None:
        """The JSON schema that the kind's exercise entries meet besides id, kind and prompt."""
        if self.schema is None:
            return None
        file, pointer = self.schema.split("#", 1)
        node = json.loads((Path(curriculum_dir) / "schema" / file).read_text("utf-8"))
        for part in pointer.strip("/").split("/"):
            node = node[part]
        return node


def _widget(module: str, name: str) -> str:
    return f"coproduction_kit.widgets.kinds.{module}:{name}"


def _schema(definition: str) -> str:
    return f"module.schema.json#/$defs/{definition}"


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("reflection", "reflect", _widget("reflection", "Reflection"),
         "A free-text reflection.", None, str, TEXT),
    Kind("scale", "scale", _widget("scale", "Scale"),
         "A rating on a labelled scale.", _schema("scale"), int, TALLIED, texts.scale_text),
    Kind("choice", "choose", _widget("choice", "Choice"),
         "A single choice, with a discussion note once answered.", _schema("options"), str, TALLIED),
    Kind("checklist", "checklist", _widget("checklist", "Checklist"),
         "Options to tick.", _schema("options"), list, TALLIED, texts.checklist_text),
    Kind("sort", "sort", _widget("sort", "Sort"),
         "Items to place in categories, each with a discussion note once placed.",
         _schema("sort"), dict, GROUPED, texts.sort_text),
    Kind("form", "form", _widget("form", "Form"),
         "Several labelled text boxes under one prompt.", _schema("form"), dict, TEXT, texts.form_text),
    Kind("power_map", "power_map", _widget("power_map", "PowerMap"),
         "Roles placed on formal authority and recognised expertise, drawn as a chart.",
         _schema("power_map"), dict, POSITIONS, texts.power_map_text),
    Kind("payment_calculator", "payment_calculator", _widget("payment_calculator", "PaymentCalculator"),
         "What a service-user educator keeps from a payment, from the rules in curriculum/facts/.",
         _schema("payment_calculator"), dict, NONE, texts.payment_calculator_text),
    Kind("budget_planner", "budget_planner", _widget("budget_planner", "BudgetPlanner"),
         "Cost items × quantity × unit cost, with totals and a CSV download.",
         _schema("budget_planner"), dict, NONE, texts.budget_planner_text),
    Kind("vignettes", "vignettes", _widget("vignettes", "Vignettes"),
         "Short cases: rate the credibility given, name what happened, then read the discussion note.",
         _schema("vignettes"), dict, GROUPED, texts.vignettes_text),
    Kind("credit_matrix", "credit_matrix", _widget("credit_matrix", "CreditMatrix"),
         "Who did what in CRediT's 14 roles; the contribution statement and ICMJE's criteria follow.",
         _schema("credit_matrix"), dict, GROUPED, texts.credit_matrix_text),
    Kind("matched_items", "matched_items", _widget("matched_items", "MatchedItems"),
         "The evaluation's statements (curriculum/evaluation.yaml), rated and sent anonymously with a pairing code.",
         _schema("matched_items"), dict, GROUPED, texts.matched_items_text),
)}

# notebook call -> the kind it shows
CALLS: dict[str, str] = {kind.call: kind.name for kind in KINDS.values()}


def counted_as(how: str) -> tuple[str, ...]:
    """The kinds whose answers are counted ``how`` (TEXT, TALLIED, GROUPED, POSITIONS, NONE)."""
    return tuple(kind.name for kind in KINDS.values() if kind.counted == how)


TEXT_KINDS = counted_as(TEXT)  # answers made of free text: frequent words
TALLIED_KINDS = counted_as(TALLIED)  # one point or option (or several ticked): bars
GROUPED_KINDS = counted_as(GROUPED)  # several parts, each with its own bars


def answer_text(value, entry: dict) -> str:
    """An answer as a reviewer reads it: text as typed, a rating with its scale, a choice, …"""
    kind = KINDS.get(entry["kind"])
    return (kind.text if kind else texts.as_typed)(value, entry)


@dataclass(frozen=True)
class Minutes:
    """The minutes of one kind (``curriculum/kinds.yaml``): getting to know its widget, answering, each item."""

    reading: float
    answering: float
    per_item: float = 0

    def of(self, entry: dict) -> float:
        """The kind's own minutes for one exercise: reading, answering and its items (sort, vignettes)."""
        return self.reading + self.answering + self.per_item * len(entry.get("items", []))


# Fields that name or mark an exercise; every other text in its entry is read by the participant.
_NOT_READ = {"id", "kind", "source", "level", "facts", "look_back", "compare_with", "core", "half_day",
             "discuss", "anonymous", "unit", "phase", "module", "objective"}


def words(entry) -> int:
    """How many words a participant reads in an exercise: its prompt, options, items, notes, labels."""
    if isinstance(entry, str):
        return len(entry.split())
    if isinstance(entry, dict):
        return sum(words(value) for key, value in entry.items() if key not in _NOT_READ)
    if isinstance(entry, list):
        return sum(words(value) for value in entry)
    return 0


@dataclass(frozen=True)
class Timing:
    """The whole of ``kinds.yaml``: how long one exercise takes in a session."""

    words_per_minute: float
    share_choice: float  # choosing who can read the answer (not for anonymous exercises)
    discussion: float  # the room discussing an exercise marked ``discuss: true``
    kinds: dict

    def of(self, entry: dict) -> float:
        """Reading its words, the kind's own minutes, the share choice and any room discussion."""
        kind = self.kinds[entry["kind"]]
        return (words(entry) / self.words_per_minute + kind.of(entry)
                + (0 if entry.get("anonymous") else self.share_choice)
                + (self.discussion if entry.get("discuss") else 0))


def _minutes_data(curriculum_dir: str | Path | None) -> dict:
    from coproduction_kit.core.curriculum import read_yaml

    if curriculum_dir is None:
        from coproduction_kit.core.settings import load_config

        curriculum_dir = load_config().curriculum_dir
    return read_yaml(Path(curriculum_dir) / MINUTES_FILE)


def minutes(curriculum_dir: str | Path | None = None) -> dict[str, Minutes]:
    """Minutes per kind, from the curriculum's ``kinds.yaml`` (the workshop's own by default)."""
    data = _minutes_data(curriculum_dir)
    return {name: Minutes(**numbers) for name, numbers in data["kinds"].items()}


def timing(curriculum_dir: str | Path | None = None) -> Timing:
    """Every figure of ``kinds.yaml``, to estimate an exercise's minutes with ``Timing.of``."""
    data = _minutes_data(curriculum_dir)
    return Timing(data["words_per_minute"], data["share_choice"], data["discussion"],
                  {name: Minutes(**numbers) for name, numbers in data["kinds"].items()})
