"""The session plan with a timer per segment, for the co-facilitators during a session.

The segments (check-in, module, break, debrief) and their minutes come from the curriculum
data.  One segment runs at a time: start it, pause it, give it five more minutes, or move on.
The time left is shown in words and numbers, never by colour alone.
"""

from __future__ import annotations

import asyncio
import html

import ipywidgets as w

from coproduction_kit.core.settings import load_config
from coproduction_kit.core.curriculum import Curriculum, load_curriculum, session_rows


def _mmss(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(int(round(seconds)))
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


class Segment:
    """One part of the session: its planned minutes and the seconds spent so far."""

    def __init__(self, name: str, minutes: int):
        self.name, self.planned = name, minutes * 60
        self.elapsed = 0.0

    @property
    def left(self) -> float:
        return self.planned - self.elapsed


class SessionTimer(w.VBox):
    """Timers for one session of one format."""

    def __init__(self, curriculum: Curriculum, format_id: str, number: int, tick_seconds: float = 1.0):
        super().__init__()
        fmt = next(f for f in curriculum.series["formats"] if f["id"] == format_id)
        session = next(s for s in fmt["sessions"] if s["number"] == number)
        self.segments = [Segment(name, minutes) for name, minutes in session_rows(curriculum, session)
                         if minutes is not None]
        self.current = 0
        self.running = False
        self.tick_seconds = tick_seconds
        self._now = w.HTML()
        self._table = w.HTML()
        self._start = w.Button(description="Start", button_style="primary")
        self._extend = w.Button(description="5 more minutes")
        self._next = w.Button(description="Next segment")
        self._start.on_click(lambda _: self.toggle())
        self._extend.on_click(lambda _: self.extend(5))
        self._next.on_click(lambda _: self.next())
        self.children = [self._now, w.HBox([self._start, self._extend, self._next]), self._table]
        self._handle = None
        self.render()

    def toggle(self):
        self.running = not self.running
        if self.running:
            self._schedule()
        self.render()

    def extend(self, minutes: int):
        self.segments[self.current].planned += minutes * 60
        self.render()

    def next(self):
        if self.current < len(self.segments) - 1:
            self.current += 1
        else:
            self.running = False
        self.render()

    def tick(self, seconds: float):
        """Count time for the running segment (the kernel calls it every second)."""
        if self.running:
            self.segments[self.current].elapsed += seconds
            self.render()

    def _schedule(self):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in a kernel: tests call tick()
            return
        if self._handle is not None:
            self._handle.cancel()

        def step():
            if not self.running:
                self._handle = None
                return
            self.tick(self.tick_seconds)
            self._handle = loop.call_later(self.tick_seconds, step)

        self._handle = loop.call_later(self.tick_seconds, step)

    def render(self):
        segment = self.segments[self.current]
        state = "running" if self.running else "paused"
        over = " (over time)" if segment.left < 0 else ""
        self._now.value = (
            f"<p class='workshop-timer' role='timer' aria-live='off' style='font-size:1.6rem'>"
            f"<strong>{html.escape(segment.name)}</strong>: {_mmss(segment.left)} left{over}, {state}</p>"
        )
        self._start.description = "Pause" if self.running else "Start"
        rows = "".join(
            f"<tr><td>{'▶ ' if i == self.current else ''}{html.escape(s.name)}</td>"
            f"<td>{s.planned // 60}</td><td>{_mmss(s.elapsed)}</td></tr>"
            for i, s in enumerate(self.segments)
        )
        self._table.value = (
            "<table><thead><tr><th scope='col'>Segment</th><th scope='col'>Planned minutes</th>"
            f"<th scope='col'>Time spent</th></tr></thead><tbody>{rows}</tbody></table>"
        )


def session_plan() -> w.VBox:
    """Pick the format and session; the timers for that session appear below."""
    config = load_config()
    curriculum = load_curriculum(config.curriculum_dir)
    choices = [
        (f"{fmt['title']}, session {s['number']}: "
         + ", ".join(curriculum.title(m) for m in s["modules"]), (fmt["id"], s["number"]))
        for fmt in curriculum.series["formats"] for s in fmt["sessions"]
    ]
    picker = w.Dropdown(options=choices, description="Session", style={"description_width": "initial"},
                        layout=w.Layout(width="auto"))
    holder = w.VBox()

    def show(choice):
        holder.children = [SessionTimer(curriculum, *choice)]

    picker.observe(lambda change: show(change["new"]), "value")
    show(picker.value)
    return w.VBox([picker, holder])
