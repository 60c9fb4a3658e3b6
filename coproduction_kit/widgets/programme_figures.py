"""The facilitator view *Programme figures*: a form for how the workshop practised co-production.

Facilitators (a service-user educator who has never used Jupyter among them) type six numbers:
sessions held and co-facilitated, service-user educators involved and paid, and the days from
each session to its payment (or only their median).  *Save* checks them (``core/programme.py``)
and keeps them in the store, or says in plain words what to change; ``workshop report`` shows
them.  Served by the facilitators' JupyterLab only (``facilitator_views/figures.ipynb``), never
to participants; the figures hold no pseudonym and no answer.
"""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.core.programme import COUNTS, DAYS_LABEL, FiguresError, ProgrammeFigures
from coproduction_kit.core.settings import WorkshopConfig, load_config
from coproduction_kit.store import Store

HINTS = {
    "sessions_held": "Count every session of this workshop that took place.",
    "sessions_cofacilitated": "Sessions led together with a service-user educator.",
    "educators_involved": "Everyone who took part as a service-user educator: teaching, planning or reviewing.",
    "educators_paid": "How many of them have been paid so far.",
}


class FiguresForm(w.VBox):
    """The six figures of one workshop, with Save and a line saying what happened."""

    def __init__(self, config: WorkshopConfig, store: Store):
        self.config, self.store = config, store
        style = {"description_width": "initial"}
        wide = w.Layout(width="min(100%, 40rem)")
        self._counts = {name: w.Text(description=label, placeholder="0", style=style, layout=wide)
                        for name, label in COUNTS}
        self._days = w.Text(description=f"{DAYS_LABEL}, one number per payment",
                            placeholder="for example: 7, 14, 30", style=style, layout=wide)
        self._median = w.Text(description=f"Or, if you only know it: the median {DAYS_LABEL.lower()}",
                              placeholder="leave empty if you gave each payment above", style=style, layout=wide)
        self._save = w.Button(description="Save the figures", button_style="primary")
        self._save.on_click(lambda _: self.save())
        self._status = w.HTML(layout=w.Layout(min_height="1.5em"))
        rows = []
        for name, box in self._counts.items():
            rows += [box, w.HTML(f"<p class='workshop-hint'>{html.escape(HINTS[name])}</p>")]
        super().__init__([
            w.HTML(f"<p>Workshop <strong>{html.escape(config.workshop_id)}</strong>. Type whole numbers "
                   "(0 if none). These are the programme's figures, not anyone's answers.</p>"),
            *rows, self._days, self._median, self._save, self._status,
        ], layout=w.Layout(max_width="44rem"))
        known = store.programme_figures(config.workshop_id)
        if known is not None:
            self._fill(known)
            self._say("Shown: the figures entered before. Change any and save again.")

    def _fill(self, figures: ProgrammeFigures) -> None:
        entered = figures.entered()
        for name, box in self._counts.items():
            box.value = str(entered[name])
        self._days.value = ", ".join(str(day) for day in entered["payment_days"])
        self._median.value = "" if entered["median_days"] is None else f"{entered['median_days']:g}"

    def save(self) -> ProgrammeFigures | None:
        """Check and keep the figures typed; None (and the problems shown) if they cannot be kept."""
        try:
            figures = ProgrammeFigures.checked(**{name: box.value for name, box in self._counts.items()},
                                               payment_days=self._days.value, median_days=self._median.value)
        except FiguresError as problems:
            self._say(f"Not saved. {problems}", problem=True)
            return None
        self.store.save_programme_figures(self.config.workshop_id, figures)
        shown = "; ".join(f"{figure}: {value}" for figure, value in figures.rows())
        self._say(f"Saved. {shown}. The next `workshop report` shows them.")
        return figures

    def _say(self, message: str, problem: bool = False) -> None:
        css = "workshop-status workshop-status-problem" if problem else "workshop-status"
        self._status.value = f"<p class='{css}' role='status' aria-live='polite'>{html.escape(message)}</p>"


def programme_figures() -> FiguresForm:
    """The form for the running workshop (facilitator page)."""
    config = load_config()
    return FiguresForm(config, Store(config.store_url))
