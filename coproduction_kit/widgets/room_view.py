"""The room view: the answers participants shared anonymously with the room, prompt by prompt.

Facilitators see it behind their token (``facilitator_views/room.ipynb``) with controls; the
projector page (``facilitator_views/projector.ipynb``) shows only what they revealed.  For every
prompt:

- nothing is shown until at least *k* people shared an answer (``room_min_answers``, 5), so no
  one can be picked out;
- it stays hidden from the room until a facilitator reveals it;
- a facilitator can hide any single answer (moderation) and lock the prompt (it then takes no
  new answer, no edit and no answer newly shared with the room, though each person can still
  make theirs private);
- free text is listed with its frequent words; scales, choices and sorts are drawn as bars with
  their numbers beside them and in a table (the text alternative), and power maps as one map of
  the room, by ``core.charts``.

No pseudonym ever appears here.  The view refreshes the answers every few seconds, and shows a
reveal, hide or lock made on another device (a co-facilitator's phone) within about half a second.
"""

from __future__ import annotations

import html
import time

import ipywidgets as w

from coproduction_kit.core.charts import bar_chart, bars, room_map_chart, tally_bars
from coproduction_kit.core.settings import WorkshopConfig, load_config
from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.store import Store
from coproduction_kit.core.kinds import GROUPED_KINDS, KINDS, TEXT_KINDS, answer_text, grouped_tallies
from coproduction_kit.core.stats import frequent_words, position_spread, tally
from coproduction_kit.widgets.every import Every
from coproduction_kit.widgets.looks import own_look


def room_power_map(maps: list[dict]) -> str:
    """Everyone's shared maps as one picture: each role where the room put it (the middle of the maps)
    and how far the room agreed (the middle half of the maps), with how many placed it."""
    return room_map_chart(position_spread(maps, at_least=2), caption=f"The room's maps together ({len(maps)} maps)")


class PromptPanel(w.VBox):
    """One prompt of the room view."""

    def __init__(self, view: "RoomView", entry: dict):
        super().__init__(layout=w.Layout(border="1px solid #999", padding="0.5rem", margin="0 0 1rem 0"))
        self.view, self.entry = view, entry
        self._header = w.HTML()
        self._body = w.VBox()
        self._signature = None
        controls = []
        if view.controls:
            self._reveal = w.ToggleButton(description="Reveal to the room", tooltip="Show these answers on the projector")
            self._lock = w.ToggleButton(description="Lock answers", tooltip="Stop new answers and edits to this prompt")
            self._reveal.observe(lambda c: self._set(revealed=c["new"]), "value")
            self._lock.observe(lambda c: self._set(locked=c["new"]), "value")
            self._unhide = own_look(w.Button(description="Show hidden answers again", layout=w.Layout(display="none")))
            self._unhide.on_click(lambda _: self._unhide_all())
            controls = [w.HBox([self._reveal, self._lock, self._unhide])]
            controls[0].add_class("workshop-room-controls")  # wraps on a phone (workshop.css)
        self.children = [self._header, *controls, self._body]

    @property
    def exercise_id(self) -> str:
        return self.entry["id"]

    def _set(self, **state):
        if self.view.updating:
            return
        self.view.store.set_room_state(self.view.config.workshop_id, self.exercise_id, **state)
        self.view.refresh()

    def _hide(self, participant_id: int):
        self.view.store.hide_in_room(self.view.config.workshop_id, participant_id, self.exercise_id)
        self.view.refresh()

    def _unhide_all(self):
        workshop_id = self.view.config.workshop_id
        for participant_id in self.view.store.hidden_in_room(workshop_id, self.exercise_id):
            self.view.store.hide_in_room(workshop_id, participant_id, self.exercise_id, hidden=False)
        self.view.refresh()

    def update(self, answers: list, state: dict, hidden: int) -> None:
        k = self.view.config.room_min_answers
        revealed, locked = state.get("revealed", False), state.get("locked", False)
        # Hidden answers still count towards k: their authors answered, so the room's
        # anonymity is that of everyone who shared, not only of the answers on show.
        count = len(answers) + hidden
        status = [f"{count} shared with the room"]
        if hidden:
            status.append(f"{hidden} hidden by a facilitator")
        if locked:
            status.append("locked")
        status.append("revealed" if revealed else "not revealed")
        self._header.value = (
            f"<h3 class='workshop-room-prompt'>{html.escape(self.entry['prompt'])}</h3>"
            f"<p class='workshop-room-status'>{html.escape(' · '.join(status))}</p>"
        )
        if self.view.controls:
            self._reveal.value, self._lock.value = revealed, locked
            self._reveal.description = "Hide from the room" if revealed else "Reveal to the room"
            self._lock.description = "Unlock answers" if locked else "Lock answers"
            self._unhide.layout.display = "" if hidden else "none"
        signature = (tuple((pid, repr(v)) for pid, v in answers), revealed, count >= k)
        if signature == self._signature:
            return  # unchanged: leave the page alone (no flicker, no lost focus)
        self._signature = signature
        if count < k:
            self._body.children = [w.HTML(
                f"<p>Waiting for at least {k} answers before showing anything ({count} so far), "
                "so that no one can be picked out.</p>")]
        elif not revealed and not self.view.controls:
            self._body.children = [w.HTML("<p>Not revealed yet.</p>")]
        else:
            self._body.children = self._content(answers, revealed)

    def _content(self, answers: list, revealed: bool) -> list[w.Widget]:
        note = [] if revealed or not self.view.controls else [
            w.HTML("<p><em>Only the facilitators see this until it is revealed.</em></p>")]
        kind = self.entry["kind"]
        values = [value for _, value in answers]
        if kind in TEXT_KINDS:
            texts = [answer_text(v, self.entry) for v in values]
            common = frequent_words(texts, top=10)
            words = ", ".join(f"{html.escape(word)} ({n})" for word, n in common) or "none yet"
            rows = [w.HTML(f"<p><strong>Frequent words:</strong> {words}</p>")]
            for (participant_id, _), text in zip(answers, texts):
                quote = w.HTML(f"<blockquote class='workshop-room-answer'>{html.escape(text).replace(chr(10), '<br>')}</blockquote>",
                               layout=w.Layout(width="100%"))
                if self.view.controls:
                    hide = w.Button(description="Hide this answer", tooltip="Take it out of the room view")
                    hide.on_click(lambda _, pid=participant_id: self._hide(pid))
                    rows.append(w.VBox([quote, hide]))
                else:
                    rows.append(quote)
            return note + rows
        if kind == "power_map":
            return note + [w.HTML(room_power_map(values))]
        if kind in GROUPED_KINDS:
            return note + [w.HTML("".join(bar_chart(bars(counts), caption=part)
                                          for part, counts in grouped_tallies(self.entry, values)))]
        chart = tally_bars(tally(self.entry, values), numbered=KINDS[kind].numbered)
        return note + [w.HTML(bar_chart(chart, total=len(values), unit=KINDS[kind].unit))]


class RoomView(w.VBox):
    """Every prompt of one module: answers refreshed from the store every few seconds, and what any
    facilitator sets (reveal, hide, lock, on any device) within about half a second."""

    def __init__(self, module_id: str, config: WorkshopConfig | None = None, store: Store | None = None,
                 controls: bool = True, refresh_seconds: float = 3.0, controls_seconds: float = 0.5):
        super().__init__()
        self.config = config or load_config()
        self.store = store or Store(self.config.store_url)
        self.controls = controls
        self.refresh_seconds = refresh_seconds
        self.controls_seconds = controls_seconds
        self.updating = False
        self.paused = False  # a view not on screen (another module chosen) asks the store nothing
        curriculum = load_curriculum(self.config.curriculum_dir)
        self.panels = [PromptPanel(self, entry) for entry in curriculum.exercises(module_id)]
        self.children = self.panels
        self._controls_seen = None
        self._refreshed_at = 0.0
        self.refresh()
        self._poller = Every(self.controls_seconds, self.poll)

    def refresh(self) -> None:
        workshop_id = self.config.workshop_id
        self._controls_seen = self.store.room_controls(workshop_id)
        self._refreshed_at = time.monotonic()
        states = self.store.room_state(workshop_id)
        self.updating = True
        try:
            for panel in self.panels:
                answers = self.store.room_answers(workshop_id, panel.exercise_id)
                hidden = len(self.store.hidden_in_room(workshop_id, panel.exercise_id))
                panel.update(answers, states.get(panel.exercise_id, {}), hidden)
        finally:
            self.updating = False

    def poll(self) -> bool:
        """One look at the store: refresh if a facilitator changed something, or the answers are due.
        True if the view was refreshed."""
        if self.paused:
            return False
        due = time.monotonic() - self._refreshed_at >= self.refresh_seconds
        if due or self.store.room_controls(self.config.workshop_id) != self._controls_seen:
            self.refresh()
            return True
        return False

def room_view(controls: bool = True) -> w.VBox:
    """A module picker above the room view of the chosen module (facilitator pages)."""
    config = load_config()
    store = Store(config.store_url)
    curriculum = load_curriculum(config.curriculum_dir)
    picker = w.ToggleButtons(
        options=[(m["title"], module_id) for module_id, m in curriculum.modules.items()],
        description="Module", style={"description_width": "initial"},
    )
    picker.add_class("workshop-room-picker")  # whole titles, wrapped on a phone (workshop.css)
    holder = w.VBox()
    views: dict[str, RoomView] = {}

    def show(module_id):
        for view in views.values():
            view.paused = True
        if module_id not in views:
            views[module_id] = RoomView(module_id, config, store, controls=controls)
        else:
            views[module_id].paused = False
            views[module_id].refresh()
        holder.children = [views[module_id]]

    picker.observe(lambda change: show(change["new"]), "value")
    show(picker.value)
    return w.VBox([picker, holder])
