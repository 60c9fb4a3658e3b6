"""The registry of exercise kinds (core/kinds.py) agrees with every place that uses a kind.

Adding a kind is one widget file, one registry entry and its data (schema, minutes): these tests
fail, naming the part, until all of them agree.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

from coproduction_kit.core import kinds
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.authoring import check
from coproduction_kit.nbgrader import exchange

CURRICULUM = PROJECT_ROOT / "curriculum"
MODULE_SCHEMA = json.loads((CURRICULUM / "schema" / "module.schema.json").read_text("utf-8"))


def test_every_widget_imports_and_is_an_exercise():
    from coproduction_kit import widgets
    from coproduction_kit.widgets.exercise import Exercise

    for kind in kinds.KINDS.values():
        cls = widgets._KINDS[kind.name]
        assert issubclass(cls, Exercise), kind.name
        assert f"{cls.__module__}:{cls.__name__}" == kind.widget
        assert getattr(widgets, cls.__name__) is cls
        call = getattr(widgets, kind.call)
        assert call.__name__ == kind.call and call.__doc__ == kind.summary


def test_the_notebook_calls_and_exports_are_those_notebooks_always_had():
    from coproduction_kit import widgets

    assert widgets.__all__ == [
        "welcome", "check_in", "reflect", "scale", "choose", "checklist", "sort", "form", "power_map",
        "payment_calculator", "budget_planner", "vignettes", "credit_matrix", "matched_items",
        "keypoints", "debrief", "submit", "follow_up",
        "Reflection", "Scale", "Choice", "Checklist", "Sort", "Form", "PowerMap", "PaymentCalculator",
        "BudgetPlanner", "Vignettes", "CreditMatrix", "MatchedItems",
    ]
    assert all(hasattr(widgets, name) for name in widgets.__all__)


def test_every_kind_in_the_schema_has_an_entry_and_every_entry_its_schema():
    exercise = MODULE_SCHEMA["properties"]["exercises"]["items"]
    assert exercise["properties"]["kind"]["enum"] == list(kinds.KINDS)
    rules = {}  # kind -> the $ref its if/then rule applies
    for rule in exercise["allOf"]:
        named = rule["if"]["properties"]["kind"]
        for name in named.get("enum", [named.get("const")]):
            rules[name] = rule["then"]["$ref"]
    for kind in kinds.KINDS.values():
        if kind.schema is None:
            assert kind.name not in rules, f"{kind.name} has a schema rule but no schema in the registry"
            continue
        assert kind.schema == f"module.schema.json{rules[kind.name]}"
        definition = kind.schema_definition(CURRICULUM)
        assert definition["required"], kind.name


def test_the_schema_still_holds_each_kind_to_its_fields():
    validator = jsonschema.Draft202012Validator(MODULE_SCHEMA)
    scale = {"id": "m.x", "kind": "scale", "prompt": "How?", "scale": {"min": 1, "max": 5, "min_label": "a"}}
    errors = [e.message for e in validator.iter_errors(scale, MODULE_SCHEMA["properties"]["exercises"]["items"])]
    assert errors == ["'max_label' is a required property"]


def test_every_notebook_call_check_knows_comes_from_the_registry():
    assert check.CALLS == {kind.call: kind.name for kind in kinds.KINDS.values()}
    assert not set(check.CALLS) & check.MODULE_CALLS
    for notebook in sorted((PROJECT_ROOT / "modules").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text("utf-8"))["cells"]:
            for call, _ in check._CALL.findall("".join(cell["source"])):
                if call in check.CALLS:
                    assert kinds.KINDS[check.CALLS[call]].call == call


def sample(kind: str, entry: dict):
    """(an answer of this kind as its widget stores it, a piece its text must show)."""
    samples = {
        "reflection": lambda: ("It felt like being heard.", "being heard"),
        "scale": lambda: (entry["scale"]["min"], entry["scale"]["min_label"]),
        "choice": lambda: (entry["options"][0], entry["options"][0]),
        "checklist": lambda: (entry["options"][:2], f"- {entry['options'][1]}"),
        "sort": lambda: ({entry["items"][0]["id"]: entry["categories"][0]},
                         f"{entry['items'][0]['text']} → {entry['categories'][0]}"),
        "form": lambda: ({entry["fields"][0]["id"]: "my words"}, f"{entry['fields'][0]['label']}: my words"),
        "power_map": lambda: ({entry["roles"][0]: [3, 7]}, f"{entry['roles'][0]}: formal authority 3/10"),
        "payment_calculator": lambda: ({"hours": 2.0, "rate": 50.0}, "hours: 2.0, rate: 50.0"),
        "budget_planner": lambda: ({entry["items"][0]["id"]: {"quantity": 2, "unit_cost": 10}}, "Total: 20.00"),
        "vignettes": lambda: ({entry["items"][0]["id"]: {"credibility": 2, "what": "testimonial"}},
                              "credibility 2/5; what happened: testimonial"),
        "credit_matrix": lambda: ({entry["team"][0]["id"]: {"roles": {"Conceptualization": "lead"}}},
                                  "Conceptualization (lead)"),
        "matched_items": lambda: ({entry["items"][0]["id"]: entry["items"][0]["scale"]["max"]},
                                  f"{entry['items'][0]['text']}: {entry['items'][0]['scale']['max']} on a scale"),
    }
    assert kind in samples, f"add a sample answer of {kind} to this test"
    return samples[kind]()


def test_answer_text_gives_text_for_every_kind():
    curriculum = load_curriculum(CURRICULUM)
    entries = {}
    for module_id in curriculum.modules:
        for entry in curriculum.exercises(module_id):
            entries.setdefault(entry["kind"], entry)
    assert set(entries) == set(kinds.KINDS), "every kind is used by an exercise of the kit's curriculum"
    for name, entry in entries.items():
        value, shown = sample(name, entry)
        assert kinds.KINDS[name].fits(value), name
        text = kinds.answer_text(value, entry)
        assert isinstance(text, str) and shown in text, (name, text)
    assert exchange.answer_text is kinds.answer_text  # still importable where it was


def test_a_stored_answer_of_the_wrong_shape_does_not_fit():
    assert kinds.KINDS["scale"].fits(None) and kinds.KINDS["scale"].fits(3)
    assert not kinds.KINDS["scale"].fits(True) and not kinds.KINDS["scale"].fits("3")
    assert not kinds.KINDS["sort"].fits(["a"]) and not kinds.KINDS["reflection"].fits({"a": "b"})


def test_how_each_kind_is_counted_is_as_before():
    assert kinds.TEXT_KINDS == ("reflection", "form")
    assert kinds.TALLIED_KINDS == ("scale", "choice", "checklist")
    assert kinds.GROUPED_KINDS == ("sort", "vignettes", "credit_matrix", "matched_items")
    assert kinds.counted_as(kinds.POSITIONS) == ("power_map",)
    assert kinds.counted_as(kinds.NONE) == ("payment_calculator", "budget_planner")
    counted = {kinds.TEXT, kinds.TALLIED, kinds.GROUPED, kinds.POSITIONS, kinds.NONE}
    assert all(kind.counted in counted for kind in kinds.KINDS.values())


def test_every_kind_has_minutes_that_meet_their_schema():
    data = yaml.safe_load((CURRICULUM / kinds.MINUTES_FILE).read_text("utf-8"))
    schema = json.loads((CURRICULUM / "schema" / "kinds.schema.json").read_text("utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    minutes = kinds.minutes(CURRICULUM)
    assert set(minutes) == set(kinds.KINDS)
    vignettes = minutes["vignettes"]
    assert vignettes.of({"items": [{}, {}, {}]}) == vignettes.reading + vignettes.answering + 3 * vignettes.per_item
    assert minutes["reflection"].of({}) == minutes["reflection"].reading + minutes["reflection"].answering


def test_check_names_a_kind_without_minutes_and_a_line_that_is_no_kind(lesson):
    path = lesson / "curriculum" / kinds.MINUTES_FILE
    text = path.read_text("utf-8")
    text = re.sub(r"\n  sort: .*", "\n  sorting: {reading: 1, answering: -2}", text)
    path.write_text(text, "utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("  sorting:"))
    problems = "\n".join(map(str, check.check(lesson)))
    assert "kinds.yaml: kind 'sort' has no minutes" in problems
    assert f"kinds.yaml:{line}: 'sorting' is not an exercise kind" in problems
    assert f"kinds.yaml:{line}: kinds/sorting/answering: -2 is less than the minimum of 0" in problems


def test_core_imports_no_widget():
    """Core is the lowest layer: reading the registry loads neither ipywidgets nor the widgets."""
    code = ("import sys, coproduction_kit.core.kinds, coproduction_kit.core.stats; "
            "print(sorted(m for m in sys.modules if m == 'ipywidgets' or m.startswith('coproduction_kit.widgets')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    for path in Path(kinds.__file__).parent.glob("*.py"):
        assert not re.search(r"^\s*(from|import) coproduction_kit\.widgets", path.read_text("utf-8"), re.M), path
