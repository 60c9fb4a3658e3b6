"""The report's spreadsheet: the shared answers and the summary, where no cell is ever a formula.

Written with XlsxWriter, told never to turn text into a formula or a link; text that a
spreadsheet could still read as one is neutralised as in the CSV (``export.neutralise_formula``).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from coproduction_kit.core.private_files import private_file
from coproduction_kit.core.spreadsheet import neutralise_formula
from coproduction_kit.review.export import new_private_file

EXCEL_MAX_CHARS = 32_767
# XML cannot hold these control characters; a cell keeps the text around them.
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _excel_value(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime):  # pandas Timestamps too; Excel cannot hold a time zone
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    if isinstance(value, str):
        # Control characters first: removing one must not uncover a leading "=".
        text = neutralise_formula(_ILLEGAL_IN_XLSX.sub("", value))
        return text if len(text) <= EXCEL_MAX_CHARS else text[: EXCEL_MAX_CHARS - 30] + " … (cut: see the CSV)"
    return value.item() if hasattr(value, "item") else value


def _write_column(sheet, number: int, series: pd.Series) -> None:
    if pd.api.types.is_datetime64_any_dtype(series):
        if series.dt.tz is not None:  # Excel cannot hold a time zone: naive UTC
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        for row, moment in enumerate(series.dt.to_pydatetime(), start=1):
            if moment is not pd.NaT and moment == moment:
                sheet.write_datetime(row, number, moment)
        return
    for row, value in enumerate(series.tolist(), start=1):
        value = _excel_value(value)
        if isinstance(value, str):
            sheet.write_string(row, number, value)
        elif value is not None:
            sheet.write(row, number, value)


def write_xlsx(frame: pd.DataFrame, summary: pd.DataFrame, path: str | Path,
               more: dict[str, pd.DataFrame] | None = None) -> Path:
    """A workbook with a "Shared reflections" sheet, a "Summary" sheet and ``more`` (title: table);
    text is never a formula.

    Written with XlsxWriter, told never to turn text into a formula or a link; text that a
    spreadsheet could still read as one is neutralised as in the CSV.
    """
    import xlsxwriter

    path = new_private_file(path)
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": False, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd hh:mm:ss",
    })
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    wide = {"prompt": 50, "answer": 70, "distribution": 50, "frequent_words": 40, "statement": 50}
    reflections = frame[[c for c in frame.columns if c != "value"]]
    try:
        for title, table in (("Shared reflections", reflections), ("Summary", summary), *(more or {}).items()):
            sheet = book.add_worksheet(title)
            sheet.freeze_panes(1, 0)
            for number, column in enumerate(table.columns):
                sheet.set_column(number, number, wide.get(column, 18), wrap if column in wide else None)
            sheet.write_row(0, 0, list(table.columns), bold)
            for number, column in enumerate(table.columns):  # a column at a time: one kind of value
                _write_column(sheet, number, table[column])
    finally:
        book.close()
    return private_file(path)
