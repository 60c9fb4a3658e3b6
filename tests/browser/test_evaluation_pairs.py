"""Six people rate the evaluation's statements at the start with their pairing code and again at
the end, typing the code back; `build_report` then shows the paired change with its 95% confidence
interval, from the store the server wrote.

Two of them do it in Chromium on a phone, reading the code off the page as a person notes it: one
types it back, the other mistypes it first, is told plainly and loses nothing. The other four go
through the same exercise widget in this process, on the server's store, as their page's kernel
would (the report counts pairs only from five on, so they make the pairs enough to show).  The
server is this test's own, so the pairs counted are exactly these.
"""

from __future__ import annotations

import csv
import re

import pytest

from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.core.settings import load_config
from coproduction_kit.review.report import build_report
from coproduction_kit.store import Store
from coproduction_kit.widgets import MatchedItems
from coproduction_kit.widgets.session import PARTICIPANT, Session
from tests.helpers import choose_pseudonym, start_voila, stop_voila

pytestmark = pytest.mark.browser
TIMEOUT = 120_000  # ms: a page starts a kernel on a 2-core machine
POWER, CONFIDENCE = ("Service users should share in decisions about teaching and care",
                     "I feel able to start co-producing teaching")
# (power before, power after, confidence before, confidence after) for each of six people.  Power
# changes by 2, 1, 0, 1, 1, 1: mean 1, SD √0.4 = 0.632, SE 0.258, t(0.975, 5) = 2.571 (any t
# table), so 1 ± 0.66 and d_z = 1 / 0.632 = 1.58.  Confidence changes by 1 each time: no spread.
RATINGS = [(2, 4, 2, 3), (3, 4, 1, 2), (3, 3, 3, 4), (4, 5, 2, 3), (2, 3, 4, 5), (3, 4, 2, 3)]
SENT = "Sent anonymously"
ON_PHONES = (0, len(RATINGS) - 1)  # the first and the last (who mistypes the code) use Chromium


@pytest.fixture
def server(prepared_copy):
    process, url = start_voila(prepared_copy)
    try:
        yield prepared_copy, url
    finally:
        stop_voila(process)


def _evaluation(page, url, module_id):
    page.goto(f"{url}voila/render/{module_id}.ipynb")
    exercise = page.locator(".workshop-exercise", has=page.locator(".workshop-pairing"))
    exercise.get_by_role("button", name="Send anonymously").wait_for()
    return exercise


def _rate(exercise, statement: str, rating: int) -> None:
    exercise.locator(".widget-radio", has_text=statement).get_by_role("radio", name=re.compile(rf"^{rating}\b")).check()


def _send(exercise):
    exercise.get_by_role("button", name="Send anonymously").click()
    exercise.locator(".workshop-status").filter(has_text=re.compile(r"^(Sent anonymously|Not sent)")).wait_for()
    return exercise.locator(".workshop-status").inner_text()


def _mistyped(code: str) -> str:
    """The code with its second word's last letter doubled, as a slip of the thumb."""
    words = code.split()
    return " ".join([words[0], words[1] + words[1][-1], *words[2:]])


def _in_this_process(workshop, name: str, ratings: tuple[int, int, int, int]) -> None:
    """One person's start and end ratings, sent through the evaluation's widget on the server's store."""
    settings = load_config(workshop.data_dir, workshop_id=workshop.workshop_id, autosave_delay=0)
    store = Store(settings.store_url)
    try:
        participant, _ = store.add_participant(settings.workshop_id, name)
        page = Session(PARTICIPANT, settings, store, participant)
        code = None
        for exercise_id, power, confidence in (("orientation.evaluation-before", *ratings[0::2]),
                                               ("closing.evaluation-after", *ratings[1::2])):
            box = MatchedItems(exercise_id, session=page)
            box._ratings["sharing-power"].value, box._ratings["confidence"].value = power, confidence
            box._typed_code.value = code or ""
            assert box._anonymous.send(), box.status
            code = code or box._code
    finally:
        store.close()


def test_six_people_pair_their_ratings_two_on_phones_and_the_report_shows_the_change(chromium, server, tmp_path):
    workshop, url = server
    shots = []
    for number, (power_before, power_after, confidence_before, confidence_after) in enumerate(RATINGS):
        if number not in ON_PHONES:
            _in_this_process(workshop, f"pair-{number}", RATINGS[number])
            continue
        context = chromium.new_context(viewport={"width": 360, "height": 780}, has_touch=True, is_mobile=True)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        try:
            choose_pseudonym(page, url, f"pair-{number}")
            page.get_by_text("You are taking part as").wait_for()
            start = _evaluation(page, url, "orientation")
            code = start.locator(".workshop-pairing-code").inner_text().strip()
            assert len(code.split()) == 4, code  # four words, readable as they are shown
            if number == 0:
                start.locator(".workshop-pairing").scroll_into_view_if_needed()
                shots.append(page.screenshot(path=str(tmp_path / "start-code-360.png")))
            _rate(start, POWER, power_before)
            _rate(start, CONFIDENCE, confidence_before)
            assert code in _send(start)  # the code once more, after sending

            end = _evaluation(page, url, "closing")
            slip = number == len(RATINGS) - 1
            if slip:  # a slip of the thumb, the code typed first and Send pressed at once after the ratings
                end.get_by_label("Your pairing code").fill(_mistyped(code))
            _rate(end, POWER, power_after)
            _rate(end, CONFIDENCE, confidence_after)
            if slip:  # told plainly; nothing sent, nothing lost
                said = _send(end)
                assert said.startswith("Not sent") and "Word 2" in said and "did you mean" in said, said
                assert code not in said  # the page never echoes a whole code
                page.wait_for_timeout(1500)  # longer than the autosave's pause: the message stays
                assert end.locator(".workshop-status").inner_text() == said
                end = _evaluation(page, url, "closing")  # a reload: the ratings are still there
                assert end.locator(".workshop-status").filter(has_text="Restored your saved answer").count() == 1
                checked = end.locator(".widget-radio", has_text=POWER).locator("input:checked")
                assert checked.count() == 1
            end.get_by_label("Your pairing code").fill(code.upper().replace(" ", "-"))  # case and hyphens forgiven
            assert _send(end).startswith(SENT)
        finally:
            context.close()
    assert shots  # the phone's view of the code was taken (the lead can open it from tmp_path)

    store = Store(workshop.store_url)
    try:
        paths = build_report(store, workshop.workshop_id, load_curriculum(workshop.curriculum_dir),
                             tmp_path / "report", k=5)
    finally:
        store.close()
    with open(paths["change"], encoding="utf-8-sig", newline="") as fh:
        rows = {r["item_id"]: r for r in csv.DictReader(fh) if r["comparison"] == "start → end"}
    power, confidence = rows["sharing-power"], rows["confidence"]
    assert power["pairs"] == confidence["pairs"] == "6"
    assert (float(power["mean_before"]), float(power["mean_after"])) == (2.83, 3.83)
    assert (float(power["mean_change"]), float(power["ci_low"]), float(power["ci_high"])) == (1.0, 0.34, 1.66)
    assert float(power["cohens_dz"]) == 1.58
    assert (float(confidence["mean_change"]), confidence["cohens_dz"]) == (1.0, "")  # the same change for all
    assert rows["paying-people"]["pairs"] == "0" and rows["paying-people"]["mean_change"] == ""
    page = paths["html"].read_text("utf-8")
    assert "+1.00 (+0.34 to +1.66)" in page and "fewer than 5 pairs: not shown" in page
