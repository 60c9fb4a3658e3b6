"""The module's progress line, kept in view at the top of the page: "3 of 8 answered".

A participant sees how many of the module's exercises have a saved answer (and how many they
passed); the line changes as each answer saves, and reads as the start page's does.  Screen readers
hear it only when asked (it is not a live region: every keystroke's save would interrupt them).
"""

from __future__ import annotations

import ipywidgets as w

from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.widgets.session import PREVIEW, Session


class ModuleProgress(w.HTML):
    """Counts the saved answers of this page's exercises for one module."""

    def __init__(self, module_id: str, session: Session):
        super().__init__(layout=w.Layout(width="100%"))
        self.module_id = module_id
        self.session = session
        self.total = len(load_curriculum(session.config.curriculum_dir).module(module_id)["exercises"])
        self.add_class("workshop-progress")
        for exercise in session.exercises:
            self.follow(exercise)
        session.when_exercise(self.follow)
        self.refresh()

    def follow(self, exercise) -> None:
        if exercise.module_id == self.module_id:
            exercise.observe(lambda _: self.refresh(), ["saved_at", "revision", "passed"])
            self.refresh()

    def counts(self) -> tuple[int, int]:
        """(answered, passed) among the exercises saved on this page."""
        mine = [e for e in self.session.exercises if e.module_id == self.module_id and e.saved_at is not None]
        passed = sum(1 for e in mine if e.passed)
        answered = sum(1 for e in mine if not e.passed and e.value not in (None, "", [], {}))
        return answered, passed

    def refresh(self) -> None:
        answered, passed = self.counts()
        text = f"{answered} of {self.total} answered"
        if passed:
            text += f", {passed} passed"
        if answered + passed >= self.total:
            text += " (all done)"
        if self.session.mode == PREVIEW:
            text += " (preview: not kept)"
        self.value = f'<p class="workshop-progress-text">{text}</p>'
