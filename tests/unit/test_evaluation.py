"""The evaluation that measures change: matched statements, pairing codes, paired change with a 95% CI.

Pairs are linked by a code the participant holds; the store keeps only its hash, beside answers
with no participant (``core/pairing.py``, ``Store.send_anonymously``, ``review/evaluation.py``).
"""

from __future__ import annotations

import csv
import math
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from coproduction_kit.core import pairing
from coproduction_kit.core.curriculum import FOLLOW_UP_EXERCISE
from coproduction_kit.review.evaluation import pairs_by_key, paired_statistics
from coproduction_kit.review.report import build_report
from coproduction_kit.widgets import MatchedItems
from coproduction_kit.widgets.kinds.matched_items import pairing_note
from coproduction_kit.widgets.session import PARTICIPANT, Session

BEFORE, AFTER = "orientation.evaluation-before", "closing.evaluation-after"


def _page(workshop, store, name):
    participant, _ = store.add_participant(workshop.workshop_id, name)
    return Session(PARTICIPANT, workshop, store, participant)


def _shown(widget) -> str:
    """Every text a widget and its children show (HTML, labels), one after another."""
    own = [str(getattr(widget, name, "")) for name in ("value", "description") if isinstance(getattr(widget, name, None), str)]
    return " ".join(own + [_shown(child) for child in getattr(widget, "children", ())])


def _rate(box, ratings: dict) -> None:
    for item_id, rating in ratings.items():
        box._ratings[item_id].value = rating


def _rate_and_send(page, exercise_id: str, ratings: dict, typed: str = "") -> MatchedItems:
    """The statements on ``exercise_id``'s page rated and sent, with the code as typed (if any)."""
    box = MatchedItems(exercise_id, session=page)
    _rate(box, ratings)
    box._typed_code.value = typed
    assert box._anonymous.send()
    return box


def test_paired_statistics_match_a_hand_worked_example():
    # Changes 2, 1, 0, 1, 1: mean 1; SD √(2/4) = 0.7071; SE 0.7071/√5 = 0.3162; t(0.975, 4) = 2.776
    # (any t table), so the interval is 1 ± 0.878; d_z = 1 / 0.7071 = 1.414.
    figures = paired_statistics([2, 3, 3, 4, 2], [4, 4, 3, 5, 3])
    assert figures["mean_before"] == pytest.approx(2.8) and figures["mean_after"] == pytest.approx(3.8)
    assert figures["mean_change"] == pytest.approx(1.0)
    assert figures["ci_low"] == pytest.approx(1 - 2.776 * math.sqrt(0.5) / math.sqrt(5), abs=1e-3)
    assert figures["ci_high"] == pytest.approx(1.878, abs=1e-3)
    assert figures["cohens_dz"] == pytest.approx(math.sqrt(2), abs=1e-6)
    assert paired_statistics([3, 3], [4, 4])["cohens_dz"] is None  # no spread: no effect size


def test_a_key_sent_twice_in_a_phase_pairs_nothing_and_replaces_nothing():
    before = [("a", {"x": 1}), ("b", {"x": 2}), (None, {"x": 5})]
    after = [("a", {"x": 3}), ("a", {"x": 5}), ("b", {"x": 4})]
    assert pairs_by_key(before, after) == [({"x": 2}, {"x": 4})]


def test_codes_are_four_listed_words_forgiving_of_case_and_separators():
    code = pairing.new_code()
    assert len(code.split()) == 4 and all(word in pairing.WORDS for word in code.split())
    assert len(set(pairing.WORDS)) == 256
    assert pairing.normalise(" " + code.upper().replace(" ", "-") + " ") == code
    assert pairing.normalise("   ") is None
    with pytest.raises(pairing.BadCode, match="4 words"):
        pairing.normalise("otter maple")
    with pytest.raises(pairing.BadCode, match="Word 2"):
        pairing.normalise("otter zzzz maple quill")
    with pytest.raises(pairing.BadCode, match="did you mean “maple” for “mapel”"):  # autocorrect's kind of slip
        pairing.normalise("otter mapel harp quill")
    key = pairing.pair_key("w1", code)
    assert key == pairing.pair_key("w1", code) != pairing.pair_key("w2", code) and len(key) == 32


def test_the_statements_are_written_once_and_asked_at_start_end_and_follow_up(curriculum):
    before, after = curriculum.exercise(BEFORE), curriculum.exercise(AFTER)
    follow_up = curriculum.exercise(FOLLOW_UP_EXERCISE)
    assert before["items"] == after["items"] == follow_up["items"]
    assert 4 <= len(before["items"]) <= 6 and all(e["anonymous"] for e in (before, after, follow_up))
    assert [before["phase"], after["phase"], follow_up["phase"]] == ["baseline", "end", "follow-up"]
    # Each statement measures what a module's objectives name.
    assert {item["module"] for item in before["items"]} <= set(curriculum.modules)


def test_a_pair_cannot_be_linked_to_its_participant(workshop, store):
    page = _page(workshop, store, "heron-11")
    box = _rate_and_send(page, BEFORE, {"sharing-power": 2, "confidence": 1})
    code = box._code
    assert code in box.status and pairing_note() in _shown(box)
    _rate_and_send(page, AFTER, {"sharing-power": 4, "confidence": 3}, code.upper())
    # Every table: the pairing key sits only where no participant is named, and the code nowhere.
    with store.engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            columns = {c["name"] for c in sa.inspect(conn).get_columns(table)}
            rows = conn.execute(sa.text(f'SELECT * FROM "{table}"')).all()
            text = repr(rows)
            assert code not in text, table
            if "pair_key" in columns:
                assert not columns & {"participant_id", "pseudonym", "saved_at", "created_at"}, table
            else:
                assert pairing.pair_key(workshop.workshop_id, code) not in text, table
    store.scrub()
    for path in Path(workshop.data_dir).glob("store.sqlite*"):
        assert code.encode() not in path.read_bytes()
    keys = {ex: [k for k, _ in answers] for ex, answers in store.paired_answers(workshop.workshop_id).items()}
    assert keys[BEFORE] == keys[AFTER] == [pairing.pair_key(workshop.workshop_id, code)]
    assert store.get_answer(page.participant, "closing", AFTER) is None  # the draft is gone


def test_after_a_reload_the_code_noted_first_is_the_one_used(workshop, store):
    page = _page(workshop, store, "wren-15")
    first = MatchedItems(BEFORE, session=page)
    noted = first._code
    assert noted in _shown(first) and "type it again" in _shown(first)
    _rate(first, {"sharing-power": 2})  # a draft: saved, so the page knows it was opened before
    again = MatchedItems(BEFORE, session=page)  # the reload: a new code is offered, the draft restored
    assert again._code != noted  # a new code (the same one again: one chance in 2**32)
    assert "You have opened this page before" in _shown(again)
    assert again._ratings["sharing-power"].value == 2
    again._typed_code.value = noted.replace(" ", "-")
    assert again._anonymous.send() and noted in again.status
    _rate_and_send(page, AFTER, {"sharing-power": 4}, noted)
    answers = store.paired_answers(workshop.workshop_id)
    assert pairs_by_key(answers[BEFORE], answers[AFTER]) == [({"sharing-power": 2}, {"sharing-power": 4})]


def test_a_facilitator_with_the_store_file_cannot_tell_whose_pair_is_whose(workshop, store):
    # Two people send their start and end ratings, each pair under their own code.
    codes, people = {}, {}
    for name, (before, after) in {"kite-21": (1, 5), "moss-22": (4, 2)}.items():
        page = _page(workshop, store, name)
        people[name] = page.participant.id
        codes[name] = _rate_and_send(page, BEFORE, {"sharing-power": before})._code
        _rate_and_send(page, AFTER, {"sharing-power": after}, codes[name])
    store.scrub()
    # The curious facilitator: the SQLite file alone, read with sqlite3, no kit.
    path = next(Path(workshop.data_dir).glob("store.sqlite"))
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

        def about(person: int) -> list:
            """What the file holds of one person, less who they are (id, pseudonym, secret, times)."""
            held = []
            for table in tables:
                columns = [(c[1], c[2].upper()) for c in db.execute(f'PRAGMA table_info("{table}")')]
                if ("participant_id", "INTEGER") in columns:
                    keep = [c for c, kind in columns
                            if c not in ("participant_id", "pseudonym") and kind not in ("DATETIME", "TIMESTAMP")]
                    held += [(table, row) for row in db.execute(
                        f'SELECT {", ".join(keep)} FROM "{table}" WHERE participant_id = ?', (person,))]
            return sorted(held)

        # Of each person the file says the same: that they sent both; nothing says which pair.
        assert about(people["kite-21"]) == about(people["moss-22"]) != []
        answers_table = db.execute("SELECT sql FROM sqlite_master WHERE name = 'anonymous_answers'").fetchone()[0]
        assert "WITHOUT ROWID" in answers_table.upper()  # rows lie in the order of a random id, not of sending
        columns = {c[1]: c[2].upper() for c in db.execute("PRAGMA table_info(anonymous_answers)")}
        assert not {"participant_id", "pseudonym"} & set(columns) and not {"DATETIME", "TIMESTAMP"} & set(columns.values())
        keys = {key for (key,) in db.execute("SELECT pair_key FROM anonymous_answers")}
    # Only a code, which the participant holds, finds its pair.
    assert keys == {pairing.pair_key(workshop.workshop_id, code) for code in codes.values()}
    assert not any(code.encode() in p.read_bytes() for p in Path(workshop.data_dir).glob("store.sqlite*")
                   for code in codes.values())


def test_a_wrong_or_another_code_can_neither_read_nor_overwrite_a_pair(workshop, store):
    owner = _page(workshop, store, "owner-12")
    code = _rate_and_send(owner, BEFORE, {"sharing-power": 2})._code
    curious = _page(workshop, store, "curious-13")
    guess = MatchedItems(AFTER, session=curious)
    _rate(guess, {"sharing-power": 5})
    guess._typed_code.value = "otter zzzz maple quill"  # not a code the kit gives: refused, nothing sent
    assert not guess._anonymous.send() and "Not sent" in guess.status
    guess._typed_code.value = code  # the owner's own code, somehow learned
    assert guess._anonymous.send()
    assert not guess._anonymous.send()  # one send per person and phase: one guess at most
    _rate_and_send(owner, AFTER, {"sharing-power": 3}, code)
    # Nothing a participant's page can ask the store returns an anonymous answer.
    assert store.sent_anonymously(curious.participant, AFTER) is True
    answers = store.paired_answers(workshop.workshop_id)
    # Both end answers are kept, neither replaced the other: the key is ambiguous and pairs nothing.
    assert sorted(v["sharing-power"] for _, v in answers[AFTER]) == [3, 5]
    assert pairs_by_key(answers[BEFORE], answers[AFTER]) == []


def test_the_follow_up_takes_answers_only_while_open(workshop, store):
    page = _page(workshop, store, "lark-14")
    box = MatchedItems(FOLLOW_UP_EXERCISE, session=page)
    _rate(box, {"confidence": 4})
    assert not box._anonymous.send() and "not open" in box.status
    store.open_follow_up(workshop.workshop_id)
    assert box._anonymous.send()
    assert [v for _, v in store.paired_answers(workshop.workshop_id)[FOLLOW_UP_EXERCISE]] == [{"confidence": 4}]


def _send(store, workshop, name, exercise, rating, code):
    participant, _ = store.add_participant(workshop.workshop_id, name)
    key = pairing.pair_key(workshop.workshop_id, code) if code else None
    store.send_anonymously(participant, exercise.split(".")[0], exercise, {"confidence": rating}, pair_key=key)


def test_the_report_shows_the_change_with_its_interval_only_from_k_pairs(workshop, store, curriculum, tmp_path):
    before, after = [2, 3, 3, 4, 2], [4, 4, 3, 5, 3]
    codes = [pairing.new_code() for _ in before]
    for i in range(4):
        _send(store, workshop, f"b{i}", BEFORE, before[i], codes[i])
        _send(store, workshop, f"a{i}", AFTER, after[i], codes[i])
    _send(store, workshop, "unpaired", AFTER, 1, None)  # no code: counted as a reaction only
    paths = build_report(store, workshop.workshop_id, curriculum, tmp_path / "under", k=5)
    page = paths["html"].read_text("utf-8")
    assert "fewer than 5 pairs" in page and "Cohen's d_z" in page
    with open(paths["change"], encoding="utf-8-sig", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["item_id"] == "confidence" and r["comparison"] == "start → end")
    assert row["pairs"] == "4" and row["mean_change"] == "" and row["note"] == "fewer than 5 pairs"

    _send(store, workshop, "b4", BEFORE, before[4], codes[4])
    _send(store, workshop, "a4", AFTER, after[4], codes[4])
    paths = build_report(store, workshop.workshop_id, curriculum, tmp_path / "at-k", k=5)
    page = paths["html"].read_text("utf-8")
    with open(paths["change"], encoding="utf-8-sig", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["item_id"] == "confidence" and r["comparison"] == "start → end")
    assert row["pairs"] == "5" and float(row["mean_change"]) == 1.0
    assert (float(row["ci_low"]), float(row["ci_high"]), float(row["cohens_dz"])) == (0.12, 1.88, 1.41)
    assert "+1.00 (+0.12 to +1.88)" in page and "with its 95% confidence interval; 0 is no change" in page
    summary = (tmp_path / "at-k" / "summary.csv").read_text("utf-8-sig")
    assert "closing.evaluation-after" in summary  # the unpaired answer still counts among the reactions
    from openpyxl import load_workbook

    assert "Change" in load_workbook(paths["xlsx"]).sheetnames
