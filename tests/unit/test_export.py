"""CSV export: formulas a spreadsheet would run are written as text."""

import csv

import pandas as pd

from coproduction_kit.review.export import COLUMNS, neutralise_formula, write_csv


def test_formula_starts_are_neutralised():
    for dangerous in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]:
        assert neutralise_formula(dangerous).startswith("'")
    assert neutralise_formula("plain words") == "plain words"
    assert neutralise_formula(4) == 4


def test_written_csv_keeps_text_and_defuses_formulas(tmp_path):
    frame = pd.DataFrame(
        [["w", "sam", "payment", "payment.a", "Prompt?", "room", "=1+1 <b>bold</b> émoji 🙂",
          pd.Timestamp("2026-11-22T10:00:00Z"), pd.Timestamp("2026-11-22T10:05:00Z")]],
        columns=COLUMNS,
    )
    path = write_csv(frame, tmp_path / "x.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["answer"] == "'=1+1 <b>bold</b> émoji 🙂"
    assert row["submitted_at"] == "2026-11-22T10:05:00Z"
