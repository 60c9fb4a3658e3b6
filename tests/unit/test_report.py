"""The facilitators' report: summary counts, golden summary, escaped HTML, inert spreadsheet cells.

The large fixture is a seeded workshop of 100 participants (over 1,000 shared reflections)
written through the real store.  To rewrite the golden summary after a deliberate change
(to the fixture, the curriculum's exercises or wording, or the summary), run
``REPORT_UPDATE_GOLDEN=1 pytest tests/unit/test_report.py`` and read the diff before committing.
"""

import csv
import os
import random
import re
from collections import Counter
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from coproduction_kit.core.curriculum import load_curriculum
from coproduction_kit.core.settings import PROJECT_ROOT
from coproduction_kit.review.export import COLUMNS, load, write_csv
from coproduction_kit.review.report import (
    SUMMARY_COLUMNS, build_report, evaluation, prompt_summaries, report_page, summarise, with_anonymous, write_xlsx,
)
from coproduction_kit.review.report_html import write_html
from coproduction_kit.store import FACILITATORS, PRIVATE, ROOM, Store

GOLDEN = Path(__file__).resolve().parent / "golden" / "report_summary.csv"
SUBMITTED_AT = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
SEED = 20261122
PARTICIPANTS = 100
WORKSHOP = "golden-workshop"
SCRIPT = "<script>alert('x')</script> Payment felt like an afterthought."
FORMULA = '=HYPERLINK("http://evil.example/steal","Click for the slides")'
IMAGE = '<img src="https://evil.example/pixel.png"> I was paid late again.'
EMOJI = "Felt heard 🙂🌱 and paid on time 💸"
ARABIC = "شعرت بأن صوتي مسموع في هذه الجلسة"
HEBREW = "הרגשתי שמקשיבים לי באמת"
CONTROL = "\x0bA vertical tab pasted from a PDF"
SPECIALS = [  # (participant number, exercise id, answer): each shared and submitted
    (0, "payment.personal-experience", SCRIPT),
    (1, "orientation.takeaway", FORMULA),
    (2, "payment.social-justice", IMAGE),
    (3, "closing.evaluation-change", EMOJI),
    (4, "payment.takeaway", ARABIC),
    (5, "closing.takeaway", HEBREW),
    (6, "orientation.agreement-to-add", CONTROL),
]
SENTENCES = [
    "Payment should be prompt and in cash.", "Gift cards felt patronising to the educators.",
    "Service users are experts by experience.", "Power in the room shifted when we listened.",
    "I worry about tokenism on committees.", "Benefits rules make payment complicated.",
    "Co-production takes time, trust and budget.", "Residents rarely hear lived experience as expertise.",
    "The check-in helped me arrive.", "I noticed who spoke first and longest.",
    "Institutional support means paid time and a seat at the table.", "Slow and steady builds trust.",
    "We should ask educators how they want to be paid.", "Hierarchy in psychiatry shapes who is believed.",
    "Naming power out loud felt uncomfortable but useful.", "Credit and authorship should be shared.",
]


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum(PROJECT_ROOT / "curriculum")


def _value(rng: random.Random, entry: dict):
    kind = entry["kind"]
    if kind == "scale":
        return rng.randint(entry["scale"]["min"], entry["scale"]["max"])
    if kind == "choice":
        return rng.choice(entry["options"])
    if kind == "checklist":
        return rng.sample(entry["options"], rng.randint(1, len(entry["options"])))
    if kind == "sort":
        return {item["id"]: rng.choice(entry["categories"]) for item in entry["items"]}
    if kind == "payment_calculator":
        return {"hours": rng.randint(1, 4), "preparation": 1, "rate": rng.choice([25, 40, 60]),
                "method": "e-transfer", "situation": rng.choice(["none", "odsp", "ow"])}
    if kind == "budget_planner":
        return {item["id"]: {"quantity": rng.randint(0, 3), "unit_cost": rng.choice([10, 40])}
                for item in entry["items"]}
    if kind == "credit_matrix":
        from coproduction_kit.widgets.kinds.credit_matrix import CREDIT_ROLES

        return {p["id"]: {"roles": {r: rng.choice(["lead", "equal", "supporting"])
                                    for r in rng.sample(CREDIT_ROLES, 3)},
                          "approved": rng.random() < 0.8, "accountable": rng.random() < 0.8}
                for p in entry["team"]}
    if kind == "vignettes":
        return {item["id"]: {"credibility": rng.randint(1, 5),
                             "what": rng.choice(["testimonial", "hermeneutical", "neither", "unsure"])}
                for item in entry["items"]}
    if kind == "power_map":
        return {role: [rng.randint(0, 10), rng.randint(0, 10)] for role in entry["roles"] if rng.random() < 0.7}
    text = lambda: " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))  # noqa: E731
    if kind == "form":
        return {field["id"]: text() for field in entry["fields"] if rng.random() < 0.8} or {"action": text()}
    return text()


@pytest.fixture(scope="module")
def big(curriculum):
    """100 seeded participants; some answers private, some passed, some modules never submitted."""
    rng = random.Random(SEED)
    store = Store.in_memory()
    specials = {(number, exercise_id): text for number, exercise_id, text in SPECIALS}
    for number in range(PARTICIPANTS):
        participant, _ = store.add_participant(WORKSHOP, f"p-{number:03d}")
        for module_id, module in curriculum.modules.items():
            sent = []
            for entry in module["exercises"]:
                roll = rng.random()
                if (number, entry["id"]) in specials:
                    sent.append(store.save_answer(participant, module_id, entry["id"],
                                                  specials[number, entry["id"]], share=FACILITATORS))
                elif roll < 0.08:
                    store.save_answer(participant, module_id, entry["id"], None, passed=True)
                elif roll < 0.12:
                    continue  # never opened
                else:
                    share = rng.choices([PRIVATE, FACILITATORS, ROOM], [1, 4, 3])[0]
                    answer = store.save_answer(participant, module_id, entry["id"], _value(rng, entry), share=share)
                    if share != PRIVATE:
                        sent.append(answer)
            # Participants 0-9 submit everything; a few others never submit a module.
            if number < 10 or rng.random() < 0.9:
                store.record_submission(participant, module_id, sent, SUBMITTED_AT, "folder")
    frame = load(store, WORKSHOP, curriculum, keep_values=True)
    summary = summarise(frame, curriculum, store.pass_counts(WORKSHOP))
    yield store, frame, summary
    store.close()


@pytest.fixture(scope="module")
def report(big, curriculum, tmp_path_factory):
    store = big[0]
    paths = build_report(store, WORKSHOP, curriculum, tmp_path_factory.mktemp("report"))
    return paths, paths["html"].read_text("utf-8")


# Summary --------------------------------------------------------------------------------------
def test_one_summary_row_per_exercise_in_curriculum_order(big, curriculum):
    _, _, summary = big
    expected = [e["id"] for m in curriculum.modules.values() for e in m["exercises"]]
    assert list(summary["exercise_id"]) == expected
    assert list(summary.columns) == SUMMARY_COLUMNS


def test_the_fixture_holds_over_a_thousand_shared_reflections(big, curriculum):
    _, frame, _ = big
    kinds = frame["exercise_id"].map(lambda i: curriculum.exercise(i)["kind"])
    assert (kinds == "reflection").sum() >= 1000
    assert set(frame["module"]) == {"orientation", "power", "payment", "epistemic-injustice", "authorship", "closing"}


def test_summary_counts_agree_with_the_answers_counted_another_way(big, curriculum):
    store, frame, summary = big
    by_id = summary.set_index("exercise_id")
    assert by_id["responses"].to_dict() == {
        e: int((frame["exercise_id"] == e).sum()) for e in by_id.index
    }
    assert by_id["passes"].sum() == sum(store.pass_counts(WORKSHOP).values()) > 0
    pace = frame.loc[frame["exercise_id"] == "closing.pace", "value"]
    for listed in by_id.loc["closing.pace", "frequent_words"].split(", ")[:3]:
        word, count = listed.rsplit(" (", 1)
        uses = int(pace.str.contains(rf"\b{word}\b", case=False).sum())
        assert count == f"{uses})", listed
    ratings = frame.loc[frame["exercise_id"] == "closing.evaluation-safe", "value"].value_counts()
    assert by_id.loc["closing.evaluation-safe", "distribution"] == "; ".join(
        f"{point}: {ratings.get(point, 0)}" for point in range(1, 6)
    )


def test_summary_matches_the_golden_file(big, tmp_path):
    written = write_csv(big[2], tmp_path / "summary.csv").read_text("utf-8-sig")
    if os.environ.get("REPORT_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(written, encoding="utf-8-sig")
        pytest.skip(f"golden file rewritten: {GOLDEN}")
    assert written == GOLDEN.read_text("utf-8-sig")


def test_evaluation_rows_are_the_closing_evaluation_items(big):
    assert list(evaluation(big[2])["exercise_id"]) == [
        "orientation.evaluation-before", "closing.evaluation-after", "closing.evaluation-useful", "closing.evaluation-safe", "closing.evaluation-voices",
        "closing.evaluation-recommend", "closing.evaluation-change",
    ]


@pytest.fixture
def small(curriculum):
    """A hand-made workshop; the expected numbers below are worked out by hand."""
    store = Store.in_memory()
    agreements = curriculum.exercise("orientation.agreements")["options"]
    gift = curriculum.exercise("payment.gift-card-case")["options"]
    people = {name: store.add_participant("small", name)[0] for name in ["ana", "ben", "cleo", "dev", "eve", "fran"]}
    plan = {
        "ana": [("payment.raise-payment-readiness", 4), ("payment.gift-card-case", gift[1]),
                ("payment.personal-experience", "Payment was fair and prompt."),
                ("orientation.agreements", [agreements[0], agreements[1]]),
                ("orientation.ladder", {"patient-video": "1 Manipulation", "committee-seat": "5 Placation",
                                        "ward-rule-group": "3 Informing"}),
                ("orientation.positionality", {"who-i-am": "A nurse", "how-it-shapes": "Shapes everything"})],
        "ben": [("payment.raise-payment-readiness", 4), ("payment.gift-card-case", gift[1]),
                ("payment.personal-experience", "Late payment, late again: payment matters!"),
                ("orientation.agreements", [agreements[1]]),
                ("orientation.ladder", {"patient-video": "2 Therapy", "committee-seat": "5 Placation",
                                        "ward-rule-group": "2 Therapy"})],
        "cleo": [("payment.raise-payment-readiness", 2), ("payment.gift-card-case", gift[3]),
                 ("payment.personal-experience", "Fair, yes, ok."),
                 ("orientation.agreements", [agreements[1], agreements[7]]),
                 ("orientation.ladder", {"patient-video": "1 Manipulation"})],
    }
    for name, answers in plan.items():
        for module_id in ("orientation", "payment"):
            sent = [store.save_answer(people[name], module_id, exercise_id, value,
                                      share=ROOM if name == "ben" else FACILITATORS)
                    for exercise_id, value in answers if exercise_id.startswith(module_id)]
            store.record_submission(people[name], module_id, sent, SUBMITTED_AT, "folder")
    # dev submits a private rating (never counted) and passes; eve passes; fran shares but never submits.
    dev = store.save_answer(people["dev"], "payment", "payment.raise-payment-readiness", 5, share=PRIVATE)
    store.save_answer(people["dev"], "payment", "payment.personal-experience", None, passed=True)
    store.record_submission(people["dev"], "payment", [dev], SUBMITTED_AT, "folder")
    store.save_answer(people["eve"], "payment", "payment.personal-experience", None, passed=True)
    store.save_answer(people["fran"], "payment", "payment.personal-experience", "Never sent", share=FACILITATORS)
    frame = load(store, "small", curriculum, keep_values=True)
    yield store, frame, summarise(frame, curriculum, store.pass_counts("small"))
    store.close()


def test_worked_example(small, curriculum):
    _, _, summary = small
    row = summary.set_index("exercise_id").loc
    assert row["payment.raise-payment-readiness", "responses"] == 3  # dev's private 5 is not counted
    assert row["payment.raise-payment-readiness", "distribution"] == "1: 0; 2: 1; 3: 0; 4: 2; 5: 0"
    gift = curriculum.exercise("payment.gift-card-case")["options"]
    assert row["payment.gift-card-case", "distribution"] == "\n".join(
        f"{option}: {n}" for option, n in zip(gift, [0, 2, 0, 1])
    )
    agreements = curriculum.exercise("orientation.agreements")["options"]
    assert row["orientation.agreements", "distribution"] == "\n".join(
        f"{option}: {n}" for option, n in zip(agreements, [1, 3, 0, 0, 0, 0, 0, 1])
    )
    assert row["orientation.ladder", "distribution"] == "\n".join([
        "patient-video: 1 Manipulation (2 of 3)",
        "ward-rule-group: 2 Therapy (1 of 2)",  # a tie goes to the lower rung
        "curriculum-survey: no answers",
        "committee-seat: 5 Placation (2 of 2)",
        "co-taught-module: no answers",
        "peer-course: no answers",
    ])
    # Lengths 28, 42 and 14 characters; "was", "and", "again" are stopwords and "ok" is too short.
    text = summary[summary["exercise_id"] == "payment.personal-experience"].iloc[0]
    assert (text["responses"], text["passes"], text["median_length"]) == (3, 2, 28.0)
    assert text["frequent_words"] == "fair (2), payment (2), late (1), matters (1), prompt (1), yes (1)"
    form = summary[summary["exercise_id"] == "orientation.positionality"].iloc[0]
    assert (form["responses"], form["median_length"]) == (1, 24.0)  # 7 + 17 characters typed
    assert form["frequent_words"] == "everything (1), nurse (1), shapes (1)"
    unanswered = summary[summary["exercise_id"] == "closing.evaluation-useful"].iloc[0]
    assert (unanswered["responses"], unanswered["passes"]) == (0, 0)
    assert unanswered["distribution"] == "1: 0; 2: 0; 3: 0; 4: 0; 5: 0"
    assert pd.isna(unanswered["median_length"]) and unanswered["frequent_words"] == ""
    assert pd.isna(row["payment.gift-card-case", "median_length"])


def test_summarise_asks_for_raw_values(small, curriculum):
    store = small[0]
    with pytest.raises(ValueError, match="keep_values=True"):
        summarise(load(store, "small", curriculum), curriculum, {})
    assert list(load(store, "small", curriculum, keep_values=True)[COLUMNS].columns) == COLUMNS


def test_small_report_charts_carry_the_numbers(small, curriculum, tmp_path):
    store, frame, _ = small
    summaries = prompt_summaries(frame, curriculum, store.pass_counts("small"))
    page = write_html(report_page(frame[COLUMNS], summaries, "Small", curriculum), tmp_path / "r.html").read_text("utf-8")
    labels = re.findall(r'<svg[^>]*role="img"[^>]*aria-label="([^"]+)"', page)
    assert "Bar chart of 3 ratings: 1: 0; 2: 1; 3: 0; 4: 2; 5: 0" in labels
    assert "Bar chart of 3 answers: Option 1: 0; Option 2: 2; Option 3: 0; Option 4: 1" in labels
    assert "<th scope='row'>5 (Completely ready)</th><td class='num'>0</td>" in page
    assert "Never sent" not in page


# HTML -----------------------------------------------------------------------------------------
class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


def test_html_escapes_everything_participants_typed(report):
    _, page = report
    assert "<script" not in page.lower()
    # Quotes may be escaped as &#39; and &#34; (Jinja2) or &#x27; and &quot;: the same characters.
    assert re.search(r"&lt;script&gt;alert\((&#39;|&#x27;)x\1\)&lt;/script&gt;", page)
    assert "<img" not in page and re.search(r"&lt;img src=(&#34;|&quot;)https://evil\.example", page)
    assert EMOJI in page and ARABIC in page and HEBREW in page
    assert re.search(r"dir='auto'>" + re.escape(ARABIC), page)


def test_html_needs_no_network(report):
    _, page = report
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "<link" not in page.lower() and "@import" not in page


def test_html_is_an_accessible_page(report):
    _, page = report
    assert re.search(r"<html lang=['\"]en['\"]", page)
    assert re.search(r"<title>[^<]+</title>", page)
    assert re.search(r"<meta name='viewport' content='width=device-width", page)
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-label="Bar chart of \d+ ', page)
    assert page.count("<svg") == page.count("<caption>The numbers in the chart")
    parser = _Headings()
    parser.feed(page)
    assert parser.levels[0] == 1 and parser.levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(parser.levels, parser.levels[1:]))
    assert "@media print" in page and "Workshop evaluation</h2>" in page
    targets = set(re.findall(r"href='#([^']+)'", page))
    assert targets and targets <= set(re.findall(r"id='([^']+)'", page))  # no in-page link goes nowhere


def test_html_shows_pseudonyms_with_their_shared_answers(report, big):
    _, page = report
    frame = big[1]
    assert page.count("<li><p><strong>") == len(frame)
    assert "<strong>p-000</strong>" in page


# Spreadsheets ---------------------------------------------------------------------------------
def test_xlsx_has_both_sheets_and_inert_text(report, big):
    book = load_workbook(report[0]["xlsx"])
    assert book.sheetnames == ["Shared reflections", "Summary", "Change"]
    sheet = book["Shared reflections"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert [c.value for c in sheet[1]] == COLUMNS
    assert sheet.max_row == len(big[1]) + 1
    formula = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [(c.value, c.data_type) for c in formula] == [("'" + FORMULA, "s")]
    assert not [c for c in cells if c.data_type == "f"]
    assert "A vertical tab pasted from a PDF" in {c.value for c in cells}  # the control character dropped
    times = [c.value for c in cells if isinstance(c.value, datetime)]
    assert times and all(t.tzinfo is None for t in times)
    assert SUBMITTED_AT.replace(tzinfo=None) in times
    assert book["Summary"].max_row == len(big[2]) + 2  # the header, and the follow-up's row last


def test_xlsx_times_are_naive_utc(tmp_path):
    frame = pd.DataFrame([["w", "sam", "payment", "payment.a", "P?", "room", "+1 cell",
                           pd.Timestamp("2026-06-01T12:00:00+02:00"), pd.NaT]], columns=COLUMNS)
    summary = pd.DataFrame([dict.fromkeys(SUMMARY_COLUMNS, "-x")])
    book = load_workbook(write_xlsx(frame, summary, tmp_path / "t.xlsx"))
    row = [c.value for c in book["Shared reflections"][2]]
    assert row[6:] == ["'+1 cell", datetime(2026, 6, 1, 10, 0), None]
    assert book["Summary"]["A2"].value == "'-x"


def test_build_report_writes_the_five_files(report, big, curriculum):
    paths, _ = report
    assert sorted(p.name for p in paths.values()) == [
        "evaluation-change.csv", "report.html", "report.xlsx", "shared-reflections.csv", "summary.csv",
    ]
    assert all(p.stat().st_size > 0 and p.parent == paths["html"].parent for p in paths.values())
    with open(paths["reflections"], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(big[1]) and list(rows[0]) == COLUMNS
    assert "'" + FORMULA in {r["answer"] for r in rows}
    summary = pd.read_csv(paths["summary"], encoding="utf-8-sig", keep_default_na=False)
    # The follow-up's row comes last: it is no module's (curriculum/evaluation.yaml).
    assert list(summary["exercise_id"]) == list(big[2]["exercise_id"]) + ["follow-up.evaluation"]
    summary = summary[summary["exercise_id"] != "follow-up.evaluation"]
    # The evaluation is anonymous: its rows count the answers sent anonymously (none here), not
    # the pseudonymous ones this fixture submitted the old way.
    expected = with_anonymous(big[2], curriculum, big[0].anonymous_answers(WORKSHOP), k=5)
    assert Counter(summary["responses"].astype(int)) == Counter(expected["responses"])
    assert set(summary.loc[summary["exercise_id"].str.contains(".evaluation-", regex=False), "responses"]) == {0}


def test_the_report_says_when_it_was_made_on_the_workshops_clock(small, curriculum, tmp_path):
    from coproduction_kit.core import clock
    from coproduction_kit.core.settings import load_config

    store, frame, _ = small
    summaries = prompt_summaries(frame, curriculum, store.pass_counts("small"))
    auckland = load_config(tmp_path, timezone="Pacific/Auckland")
    made = clock.now(auckland)
    page = write_html(report_page(frame[COLUMNS], summaries, "Small", curriculum, made=made),
                      tmp_path / "r.html").read_text("utf-8")
    assert f"made {made:%Y-%m-%d %H:%M} {made:%Z}" in page and made.strftime("%Z") in ("NZDT", "NZST")
