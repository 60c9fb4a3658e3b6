"""My journal: everything a participant wrote, private answers included, to keep.

Only the participant can download it (from the start page, with their own cookie).  Markdown
for any editor; HTML to open in a browser or print.  Everything they typed is escaped.
"""

from __future__ import annotations

from coproduction_kit.core import clock
from coproduction_kit.core.curriculum import Curriculum
from coproduction_kit.store import Participant, Store
from coproduction_kit.core.kinds import answer_text

SHARE_WORDS = {
    "private": "kept private",
    "facilitators": "shared with the facilitators",
    "room": "shared anonymously with the room",
}


def kept_versions(count: int) -> str:
    """What the store keeps besides each current answer, in the words the participant reads."""
    return (
        f"Besides each current answer, the workshop's store keeps your last {count} saved versions "
        "of it (text you since deleted included). No page of the workshop shows them; withdrawing "
        "your answers on the start page removes them all."
    )


# A date and time as the journal shows it, on the workshop's clock: 2027-01-14 10:42 GMT.
WHEN = "%Y-%m-%d %H:%M %Z"


def journal_entries(store: Store, participant: Participant, curriculum: Curriculum, config=None) -> list[dict]:
    """Per module in series order, each answered or passed exercise with its prompt, and when it
    was saved as the journal shows it (``saved``: on ``config``'s clock, this computer's if None)."""
    kept = {(a.module_id, a.exercise_id): a for a in store.answers_for(participant)}
    entries = []
    for module_id, module in curriculum.modules.items():
        items = []
        for exercise in module["exercises"]:
            answer = kept.get((module_id, exercise["id"]))
            if answer is None:
                continue
            text = "" if answer.passed or answer.value is None else answer_text(answer.value, exercise)
            items.append({"prompt": exercise["prompt"], "text": text, "passed": answer.passed,
                          "share": SHARE_WORDS[answer.share], "saved_at": answer.saved_at,
                          "saved": clock.shown(answer.saved_at, config, WHEN)})
        if items:
            entries.append({"title": module["title"], "items": items})
    return entries


def journal_markdown(store: Store, participant: Participant, curriculum: Curriculum, config=None) -> str:
    """The participant's journal as Markdown; times in ``config``'s time zone (this computer's if None)."""
    lines = [f"# My journal: {curriculum.series['title']}", "",
             f"Pseudonym: {participant.pseudonym}. Downloaded {clock.now(config):{WHEN}}.", "",
             kept_versions(store.max_revisions), ""]
    for module in journal_entries(store, participant, curriculum, config):
        lines += [f"## {module['title']}", ""]
        for item in module["items"]:
            lines += [f"**{item['prompt']}**", ""]
            if item["passed"]:
                lines += ["_Passed._", ""]
            else:
                lines += [line if line else "" for line in item["text"].splitlines()] + [""]
                lines += [f"_({item['share']}; saved {item['saved']})_", ""]
    return "\n".join(lines).rstrip() + "\n"


def journal_html(store: Store, participant: Participant, curriculum: Curriculum, config=None) -> str:
    """The journal as one page (``templates/journal.html``) to open in a browser or print; times
    in ``config``'s time zone."""
    # Here, not at the top: a module page shows ``kept_versions`` and needs no Jinja2 in its kernel.
    from coproduction_kit.review.templating import render

    return render("journal.html", title=f"My journal: {curriculum.series['title']}",
                  pseudonym=participant.pseudonym, kept=kept_versions(store.max_revisions),
                  modules=journal_entries(store, participant, curriculum, config))
