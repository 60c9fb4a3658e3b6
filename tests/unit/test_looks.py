"""Controls that look alike share one Layout and one Style model (widgets/looks.py), and a shared look stays put."""

import json

import ipywidgets as w
import pytest
from ipywidgets.widgets import widget as widget_module

from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.widgets import session as session_module
from coproduction_kit.widgets.looks import own_look, share_looks


def test_alike_controls_share_one_layout_and_one_style_and_the_copies_are_closed():
    first, second = w.HTML("a", layout=w.Layout(width="37%")), w.HTML("b", layout=w.Layout(width="37%"))
    other = w.HTML("c", layout=w.Layout(width="38%"))
    copies = [first.layout, second.layout, first.style, second.style]
    share_looks()
    assert first.layout is second.layout and first.style is second.style
    assert other.layout is not first.layout and other.layout.width == "38%"
    assert first.layout.width == "37%"
    assert all(copy.comm is None for copy in copies)  # closed: the browser never receives them
    assert first.layout.comm is not None


def test_a_shared_look_refuses_a_change_and_says_how_to_keep_one_s_own():
    first, second = w.Button(layout=w.Layout(width="41%")), w.Button(layout=w.Layout(width="41%"))
    share_looks()
    with pytest.raises(AttributeError, match="own_look"):
        first.layout.display = "none"
    assert second.layout.display is None


def test_a_control_marked_as_owning_its_look_keeps_it_and_may_change_it():
    mine = own_look(w.Button(layout=w.Layout(width="43%")))
    alike = w.Button(layout=w.Layout(width="43%"))
    share_looks()
    assert mine.layout is not alike.layout
    mine.layout.display = "none"
    assert alike.layout.display is None and mine.layout.comm is not None


def test_a_look_a_kept_control_still_uses_is_not_closed():
    layout = w.Layout(width="47%")
    kept, other = own_look(w.HTML(layout=layout)), w.HTML(layout=layout)
    share_looks()
    assert other.layout is not layout and kept.layout is layout and layout.comm is not None


def test_a_module_page_sends_a_few_looks_and_still_works(monkeypatch, participant_session):
    """The payment page, built as its notebook builds it: over a hundred controls, a handful of looks;
    its calculator still shows and hides the question it asks only in some situations."""
    monkeypatch.setattr(session_module, "_current", participant_session)
    before = set(widget_module._instances)
    namespace = {}
    cells = json.loads((PROJECT_ROOT / "modules" / "payment.ipynb").read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code":
            *lines, last = "".join(cell["source"]).strip().splitlines()
            if last.startswith(("from ", "import ")):
                lines, last = [*lines, last], "None"
            exec("\n".join(lines), namespace)  # noqa: S102 - the kit's own notebook
            namespace.setdefault("_parts", []).append(eval(last, namespace))  # noqa: S307
    made = [widget for key, widget in widget_module._instances.items() if key not in before and widget.comm is not None]
    controls = [widget for widget in made if widget.has_trait("layout")]
    looks = {id(getattr(control, trait)) for control in controls for trait in ("layout", "style")
             if control.has_trait(trait)}
    assert len(controls) > 100
    assert len(looks) <= 15, f"{len(looks)} layout and style models for {len(controls)} controls"

    calculator = next(part for part in namespace["_parts"] if type(part).__name__ == "PaymentCalculator")
    months = calculator._fields["months_on_assistance"]
    asking = next(s["id"] for s in calculator.facts["situations"] if "months_question" in s)
    calculator._fields["situation"].value = asking
    assert months.layout.display is None
    calculator._fields["situation"].value = "none"
    assert months.layout.display == "none"
