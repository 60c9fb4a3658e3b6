"""The session plan with a timer per segment, for the co-facilitators during a session, and the
projector's clock.

The segments (check-in, module, break, debrief) and their minutes come from the curriculum
data.  One segment runs at a time: start it, pause it, give it five more minutes, or move on.
The clock is the session's row in the store (``core/session_clock.py``, ``store/session_clocks.py``),
not a count in this kernel: whichever facilitator presses a button, on any device, every other
facilitator's timers and the projector show it within about half a second, and a reloaded page
or a restarted server shows the same time left.  The time left is shown in words and numbers,
never by colour alone, and said to screen readers politely at each change and every five
minutes, not every second.
"""

from __future__ import annotations

import html
import math

import ipywidgets as w

from coproduction_kit.core.curriculum import Curriculum, load_curriculum, session_rows
from coproduction_kit.core.session_clock import ClockState, mmss
from coproduction_kit.core.settings import load_config
from coproduction_kit.store import Store
from coproduction_kit.store.records import now as utc_now
from coproduction_kit.widgets.every import Every

POLL_SECONDS = 0.5  # how often a page looks at the clock in the store (and redraws the time left)
# Said to screen readers only (the page shows the same in its large line).
_SPOKEN = ("position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;"
           "clip:rect(0 0 0 0);white-space:nowrap")
_BUTTON = dict(min_height="44px", width="auto")  # a finger's size on a phone


def session_segments(curriculum: Curriculum, format_id: str, number: int) -> list[tuple[str, int]]:
    """(name, planned minutes) of one session's segments, in order (modules not written yet left out)."""
    fmt = next(f for f in curriculum.series["formats"] if f["id"] == format_id)
    session = next(s for s in fmt["sessions"] if s["number"] == number)
    return [(name, minutes) for name, minutes in session_rows(curriculum, session) if minutes is not None]


def minutes_left_in_words(left: float) -> str:
    if left < 0:
        return f"over time by {mmss(-left)}"
    whole = math.ceil(left / 60)
    return f"{whole} minute{'' if whole == 1 else 's'} left"


class SessionTimer(w.VBox):
    """Timers for one session of one format, on the clock every facilitator's device shares."""

    def __init__(self, curriculum: Curriculum, format_id: str, number: int, store: Store | None = None,
                 workshop_id: str = "workshop", clock=utc_now, poll_seconds: float = POLL_SECONDS):
        super().__init__()
        self.segments = session_segments(curriculum, format_id, number)
        self.minutes = [minutes for _, minutes in self.segments]
        self.store = store or Store.in_memory()
        self.key = (workshop_id, format_id, number)
        self.clock = clock  # the time now (UTC); tests give their own
        self.state = ClockState()
        self._spoken_key = None
        self._now = w.HTML()
        self._say = w.HTML()
        self._table = w.HTML()
        self._start = w.Button(description="Start", button_style="primary", layout=w.Layout(**_BUTTON),
                               tooltip="Start or pause this segment's timer, for every facilitator")
        self._extend = w.Button(description="5 more minutes", layout=w.Layout(**_BUTTON),
                                tooltip="Give this segment five more minutes")
        self._next = w.Button(description="Next segment", layout=w.Layout(**_BUTTON),
                              tooltip="Move on to the next segment")
        self._start.on_click(lambda _: self.act("pause" if self.state.running else "start"))
        self._extend.on_click(lambda _: self.act("extend", minutes=5))
        self._next.on_click(lambda _: self.act("next"))
        buttons = w.HBox([self._start, self._extend, self._next],
                         layout=w.Layout(flex_flow="row wrap", grid_gap="0.5rem"))
        self.children = [self._now, self._say, buttons, self._table]
        self.poll(force=True)
        self._poller = Every(poll_seconds, self.poll)

    @property
    def current(self) -> int:
        return self.state.segment

    def act(self, action: str, minutes: int = 0) -> None:
        """One press of a button: applied to the shared clock as it is in the store, then shown."""
        state = self.store.act_on_session_clock(*self.key, action, segment=self.state.segment,
                                                minutes=minutes, count=len(self.segments), now=self.clock())
        self.state = state.within(len(self.segments))
        self.render()

    def poll(self, force: bool = False) -> bool:
        """One look at the store; redraw (the time left moves on). True if another device changed the clock."""
        state = self.store.session_clock(*self.key).within(len(self.segments))
        changed = state != self.state
        self.state = state
        self.render()
        return changed and not force

    def stop(self) -> None:
        """No more looks at the store (another session chosen on this page)."""
        self._poller.cancel()

    def render(self) -> None:
        now = self.clock()
        state = self.state
        name = self.segments[state.segment][0]
        left = state.left(self.minutes, now)
        running = "running" if state.running else "paused"
        over = " (over time)" if left < 0 else ""
        self._now.value = (
            f"<p class='workshop-timer' role='timer' aria-live='off' style='font-size:1.6rem'>"
            f"<strong>{html.escape(name)}</strong>: {mmss(left)} left{over}, {running}</p>"
        )
        self._speak(name, left, running)
        self._start.description = "Pause" if state.running else "Start"
        rows = "".join(
            f"<tr><td>{'▶ ' if i == state.segment else ''}{html.escape(segment)}</td>"
            f"<td>{state.planned(i, self.minutes) // 60}</td><td>{mmss(state.spent_in(i, now))}</td></tr>"
            for i, (segment, _) in enumerate(self.segments)
        )
        self._table.value = (
            "<table><thead><tr><th scope='col'>Segment</th><th scope='col'>Planned minutes</th>"
            f"<th scope='col'>Time spent</th></tr></thead><tbody>{rows}</tbody></table>"
        )

    def _speak(self, name: str, left: float, running: str) -> None:
        """Tell screen readers at each change (by anyone) and, while it runs, at every fifth minute
        left, the last minute, and when it runs over: never every second."""
        whole = math.ceil(left / 60)
        mark = None  # paused: said once, at the change
        if self.state.running:
            mark = "over" if left < 0 else whole if whole <= 1 else 5 * math.ceil(whole / 5)
        key = (self.state.changed_at, self.state.segment, self.state.running, mark)
        if key == self._spoken_key:
            return
        self._spoken_key = key
        if self.state.changed_at is None:
            return  # no one has touched the clock: nothing to say yet
        said = f"{name}: {minutes_left_in_words(left)}, {running}."
        self._say.value = f"<p role='status' aria-live='polite' style='{_SPOKEN}'>{html.escape(said)}</p>"


class ProjectorClock(w.HTML):
    """The time left in the segment that is on, large, for the back of the room: the session a
    facilitator acted on last, shown once someone has started it."""

    def __init__(self, curriculum: Curriculum, store: Store, workshop_id: str, clock=utc_now,
                 poll_seconds: float = POLL_SECONDS):
        super().__init__()
        self.curriculum, self.store, self.workshop_id, self.clock = curriculum, store, workshop_id, clock
        self.poll()
        self._poller = Every(poll_seconds, self.poll)

    def poll(self) -> None:
        latest = self.store.latest_session_clock(self.workshop_id)
        try:
            segments = session_segments(self.curriculum, *latest[:2]) if latest else []
        except StopIteration:  # a session no longer in the curriculum
            segments = []
        if not segments:
            self.value = ""
            return
        state = latest[2].within(len(segments))
        name = segments[state.segment][0]
        left = state.left([minutes for _, minutes in segments], self.clock())
        shown = f"over time by {mmss(-left)}" if left < 0 else f"{mmss(left)} left"
        paused = "" if state.running else " (paused)"
        self.value = (
            "<p class='workshop-projector-clock' role='timer' aria-live='off' "
            "style='font-size:clamp(2rem, 7vw, 4.5rem); font-weight:700; line-height:1.2; margin:0 0 1rem 0'>"
            f"{html.escape(name)}: {shown}{paused}</p>"
        )


def projector_clock() -> ProjectorClock:
    """The projector page's clock (``facilitator_views/projector.ipynb``)."""
    config = load_config()
    return ProjectorClock(load_curriculum(config.curriculum_dir), Store(config.store_url), config.workshop_id)


def session_plan() -> w.VBox:
    """Pick the format and session (the one a facilitator acted on last, to begin with); the timers
    for that session appear below, on the clock the other facilitators' devices share."""
    config = load_config()
    store = Store(config.store_url)
    curriculum = load_curriculum(config.curriculum_dir)
    choices = [
        (f"{fmt['title']}, session {s['number']}: "
         + ", ".join(curriculum.title(m) for m in s["modules"]), (fmt["id"], s["number"]))
        for fmt in curriculum.series["formats"] for s in fmt["sessions"]
    ]
    latest = store.latest_session_clock(config.workshop_id)
    value = latest[:2] if latest and latest[:2] in [v for _, v in choices] else choices[0][1]
    picker = w.Dropdown(options=choices, value=value, description="Session",
                        style={"description_width": "initial"}, layout=w.Layout(width="auto"))
    holder = w.VBox()

    def show(choice):
        for old in holder.children:
            old.stop()
        holder.children = [SessionTimer(curriculum, *choice, store=store, workshop_id=config.workshop_id)]

    picker.observe(lambda change: show(change["new"]), "value")
    show(picker.value)
    return w.VBox([picker, holder])
