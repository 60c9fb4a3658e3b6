"""Free-text reflection: a text box that saves itself as the participant types."""

from __future__ import annotations

import html

import ipywidgets as w

from coproduction_kit.core.curriculum import CurriculumError, load_curriculum
from coproduction_kit.core.kinds import answer_text
from coproduction_kit.widgets.exercise import Exercise


class Reflection(Exercise):
    """A prompt and a text box; the answer is the text, or None before anything is typed."""

    def _build_input(self) -> w.Widget:
        box = w.Textarea(
            value="",
            placeholder="Type your answer here. It saves itself as you go.",
            description="Your answer",
            continuous_update=True,
            rows=5,
            style={"description_width": "initial"},
            layout=w.Layout(width="100%"),
        )
        box.observe(self._typed, "value")
        return box

    def _layout_children(self):
        children = super()._layout_children()
        if self.entry.get("look_back"):
            self._look_back = w.HTML(layout=w.Layout(width="100%"))
            children.insert(1, self._look_back)
        return children

    def _participant_known(self) -> None:
        if self.entry.get("look_back"):
            self._look_back.value = self._earlier_answers()

    def _earlier_answers(self) -> str:
        """The participant's own earlier answers named by ``look_back``, whatever their share."""
        if not self.session.can_save:
            return ""
        curriculum = load_curriculum(self.session.config.curriculum_dir)
        items = []
        for exercise_id in self.entry["look_back"]:
            module_id = exercise_id.split(".", 1)[0]
            answer = self.session.store.get_answer(self.session.participant, module_id, exercise_id)
            if answer is None or answer.passed or answer.value in (None, "", {}, []):
                continue
            try:
                entry = curriculum.exercise(exercise_id)
            except CurriculumError:  # an earlier module removed from the series: show the text alone
                entry = {"kind": "reflection", "prompt": exercise_id}
            items.append(
                f"<li><strong>{html.escape(entry['prompt'])}</strong><br>"
                f"{html.escape(answer_text(answer.value, entry)).replace(chr(10), '<br>')}</li>"
            )
        if not items:
            return ('<p class="workshop-look-back">You have no earlier answers kept for this. '
                    "That is fine: answer from where you are now.</p>")
        return ('<div class="workshop-look-back"><p>What you wrote earlier (only you can see this):</p>'
                f"<ul>{''.join(items)}</ul></div>")

    def _typed(self, change):
        self.value = change["new"]

    def _show_value(self, value) -> None:
        self._input.value = value or ""
