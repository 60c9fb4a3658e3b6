"""One Layout and one Style model for each look a page repeats, instead of one for every control.

ipywidgets gives every control its own Layout model and its own Style model, so most of a module
page's models were looks: on the payment page 259 of 404 (144 layouts, 115 styles), each one sent
to the participant's browser, created and followed there (a phone's slow part). ``share_looks``
runs when an exercise (or another part of the page) has been built, before any browser has asked
for the page's widgets: where two controls look alike it points both at one shared model and closes
the copies, so the browser never receives them.

A shared model refuses changes (a change would reach every control that shares it). A control whose
code changes its own layout or style later (shows or hides itself, say) says so where it is made:
``own_look(control)``.
"""

from __future__ import annotations

import functools
import json

import ipywidgets as w
from ipywidgets.widgets import widget as _widget_module

LOOKS = ("layout", "style")


class _Frozen:
    """A look shared by several controls: its synced traits cannot change once shared."""

    def __setattr__(self, name, value):
        if self.__dict__.get("_shared") and not name.startswith("_") and name in self.keys:
            raise AttributeError(
                f"this {type(self).__name__} is shared by several controls (widgets/looks.py); "
                f"mark the control with own_look(control) where it is made, to change its {name}"
            )
        super().__setattr__(name, value)


_frozen_classes: dict[type, type] = {}
_shared: dict[tuple[type, str], w.Widget] = {}  # (look class, its traits as JSON) -> the kernel's one model


def own_look(control: w.Widget) -> w.Widget:
    """Keep this control's layout and style its own (its code changes them later); returns the control."""
    control._own_look = True
    return control


def _traits(look: w.Widget) -> str:
    return json.dumps({name: getattr(look, name) for name in look.keys if not name.startswith("_")},
                      sort_keys=True, default=str)


def _shared_like(look: w.Widget) -> w.Widget:
    """The kernel's shared model that looks like ``look`` (made, frozen, the first time)."""
    base = type(look)
    key = (base, _traits(look))
    shared = _shared.get(key)
    if shared is None or shared.comm is None:  # none yet, or closed with the page's widgets
        frozen = _frozen_classes.setdefault(base, type(base.__name__, (_Frozen, base), {}))
        shared = frozen(**{name: getattr(look, name) for name in look.keys if not name.startswith("_")})
        shared._shared = True
        _shared[key] = shared
    return shared


def share_looks() -> None:
    """Point every control of this kernel at the shared model of its look; close the copies no control uses.

    The kernel's open widgets are read from ipywidgets' own registry (``widget._instances``, not a
    public name: tests/unit/test_looks.py fails if an upgrade moves it)."""
    controls = [widget for widget in list(_widget_module._instances.values())
                if widget.comm is not None and not isinstance(widget, _Frozen)]
    replaced = {}
    for control in controls:
        if getattr(control, "_own_look", False):
            continue
        for trait in LOOKS:
            look = control._trait_values.get(trait) if control.has_trait(trait) else None
            if isinstance(look, w.Widget) and not isinstance(look, _Frozen) and look.comm is not None:
                setattr(control, trait, _shared_like(look))
                replaced[look.model_id] = look
    still_used = {id(control._trait_values.get(trait)) for control in controls for trait in LOOKS}
    for look in replaced.values():
        if id(look) not in still_used:
            look.close()


def sharing_looks(make):
    """Decorates a call that builds part of a page: its looks are shared once it is built."""
    @functools.wraps(make)
    def made(*args, **kwargs):
        part = make(*args, **kwargs)
        share_looks()
        return part
    return made
