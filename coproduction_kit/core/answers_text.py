"""Each kind's answer as a reviewer reads it, in the journal, formgrader and the export.

One function per kind that needs more than ``str(value)``; ``core.kinds`` names which one each
kind uses.  The pure parts the widgets share (the budget's rows, the vignettes' readings) are here
too, so that the store, nbgrader and review layers never import a widget.
"""

from __future__ import annotations

from coproduction_kit.core.credit import statement

# What happened in a vignette, as the participant names it: (label shown, code stored).
READINGS = [
    ("Testimonial injustice", "testimonial"),
    ("Hermeneutical injustice", "hermeneutical"),
    ("Neither", "neither"),
    ("Unsure", "unsure"),
]
OWN_ROW = "own"  # the budget planner's row the participant names themselves


def budget_rows(items: list[dict], value: dict) -> list[tuple[str, str, float, float, float]]:
    """(label, unit, quantity, unit cost, line total) for every item with a quantity."""
    rows = []
    for item in [*items, {"id": OWN_ROW, "label": (value or {}).get(OWN_ROW, {}).get("label", ""), "unit": ""}]:
        entry = (value or {}).get(item["id"], {})
        quantity, unit_cost = float(entry.get("quantity", 0) or 0), float(entry.get("unit_cost", 0) or 0)
        if quantity and item["label"]:
            rows.append((item["label"], item.get("unit", ""), quantity, unit_cost, quantity * unit_cost))
    return rows


def as_typed(value, entry: dict) -> str:
    """Text as typed; a choice as the option chosen."""
    return str(value)


def scale_text(value, entry: dict) -> str:
    spec = entry["scale"]
    return f"{value} on a scale from {spec['min']} ({spec['min_label']}) to {spec['max']} ({spec['max_label']})"


def checklist_text(value, entry: dict) -> str:
    return "\n".join(f"- {option}" for option in value or [])


def sort_text(value, entry: dict) -> str:
    texts = {item["id"]: item["text"] for item in entry["items"]}
    return "\n".join(f"{texts.get(item_id, item_id)} → {category}" for item_id, category in (value or {}).items())


def form_text(value, entry: dict) -> str:
    labels = {field["id"]: field["label"] for field in entry["fields"]}
    return "\n".join(f"{labels.get(field_id, field_id)}: {text}" for field_id, text in (value or {}).items())


def matched_items_text(value, entry: dict) -> str:
    """The evaluation's statements, each with its rating on its scale."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    items = {item["id"]: item for item in entry.get("items", [])}
    return "\n".join(f"{items[item_id]['text']}: {scale_text(rating, items[item_id])}" if item_id in items
                     else f"{item_id}: {rating}" for item_id, rating in value.items())


def power_map_text(value, entry: dict) -> str:
    return "\n".join(f"{role}: formal authority {a}/10, recognised expertise {e}/10"
                     for role, (a, e) in (value or {}).items())


def payment_calculator_text(value, entry: dict) -> str:
    return ", ".join(f"{name}: {setting}" for name, setting in (value or {}).items())


def budget_planner_text(value, entry: dict) -> str:
    rows = budget_rows(entry["items"], value)
    return "\n".join(f"{label}: {q:g} {unit} × {c:.2f} = {t:.2f}" for label, unit, q, c, t in rows) + \
        f"\nTotal: {sum(r[4] for r in rows):.2f}"


def vignettes_text(value, entry: dict) -> str:
    settings = {item["id"]: item["setting"] for item in entry["items"]}
    return "\n".join(f"{settings.get(i, i)}: credibility {a.get('credibility')}/5; what happened: {a.get('what')}"
                     for i, a in (value or {}).items())


def credit_matrix_text(value, entry: dict) -> str:
    lines, authors, thanked = statement(entry["team"], value)
    return "\n".join([*lines, f"Authors: {', '.join(authors) or 'none'}",
                      f"Acknowledged: {', '.join(thanked) or 'none'}"])
