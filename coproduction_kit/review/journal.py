"""My journal: everything a participant wrote, private answers included, to keep.

Only the participant can download it (from the start page, with their own cookie).  Markdown
for any editor; HTML to open in a browser or print.  Everything they typed is escaped.
"""

from __future__ import annotations

import html
from coproduction_kit.core import clock
from coproduction_kit.core.curriculum import Curriculum
from coproduction_kit.store import Participant, Store
from coproduction_kit.nbgrader.exchange import answer_text

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


def journal_entries(store: Store, participant: Participant, curriculum: Curriculum) -> list[dict]:
    """Per module in series order, each answered or passed exercise with its prompt."""
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
                          "share": SHARE_WORDS[answer.share], "saved_at": answer.saved_at})
        if items:
            entries.append({"title": module["title"], "items": items})
    return entries


# A date and time as the journal shows it, on the workshop's clock: 2027-01-14 10:42 GMT.
WHEN = "%Y-%m-%d %H:%M %Z"


def journal_markdown(store: Store, participant: Participant, curriculum: Curriculum, config=None) -> str:
    """The participant's journal as Markdown; times in ``config``'s time zone (this computer's if None)."""
    lines = [f"# My journal: {curriculum.series['title']}", "",
             f"Pseudonym: {participant.pseudonym}. Downloaded {clock.now(config):{WHEN}}.", "",
             kept_versions(store.max_revisions), ""]
    for module in journal_entries(store, participant, curriculum):
        lines += [f"## {module['title']}", ""]
        for item in module["items"]:
            lines += [f"**{item['prompt']}**", ""]
            if item["passed"]:
                lines += ["_Passed._", ""]
            else:
                lines += [line if line else "" for line in item["text"].splitlines()] + [""]
                lines += [f"_({item['share']}; saved {clock.shown(item['saved_at'], config, WHEN)})_", ""]
    return "\n".join(lines).rstrip() + "\n"


def journal_html(store: Store, participant: Participant, curriculum: Curriculum, config=None) -> str:
    """The participant's journal as one HTML page; times in ``config``'s time zone."""
    parts = []
    for module in journal_entries(store, participant, curriculum):
        parts.append(f"<h2>{html.escape(module['title'])}</h2>")
        for item in module["items"]:
            body = ("<p><em>Passed.</em></p>" if item["passed"] else
                    f"<p>{html.escape(item['text']).replace(chr(10), '<br>')}</p>"
                    f"<p class='meta'>{html.escape(item['share'])}; saved {clock.shown(item['saved_at'], config, WHEN)}</p>")
            parts.append(f"<h3>{html.escape(item['prompt'])}</h3>{body}")
    title = html.escape(f"My journal: {curriculum.series['title']}")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:42rem;margin:0 auto;"
        "padding:1rem;line-height:1.55;color:#1b1b1b}h3{font-size:1.05rem}.meta{color:#444;font-size:.9rem}"
        "</style></head><body><main>"
        f"<h1>{title}</h1><p>Pseudonym: {html.escape(participant.pseudonym)}.</p>"
        f"<p>{html.escape(kept_versions(store.max_revisions))}</p>"
        + ("".join(parts) or "<p>You have not answered anything yet.</p>")
        + "</main></body></html>"
    )
