"""The report's spreadsheet: the shared answers and the summary, where no cell is ever a formula.

Written here as the few XML parts of an Office Open XML workbook, a column at a time: every
text is an inline string (``t="inlineStr"``), so nothing a participant typed can become a
formula or a link, and text that a spreadsheet could still read as one when copied is
neutralised as in the CSV (``core.spreadsheet.neutralise_formula``).  Written by hand because the
libraries made for it were slower than the whole report may take (issue #18: 1 s for 10,000
answers): XlsxWriter, used before, spent 1.4 s of CPU on that sheet alone even in its
constant-memory mode, and PyExcelerate 1.8 s (measured 2026-12-02); ``tests/unit/test_report.py``
reads every kind of cell back with openpyxl.  Times are naive UTC
with a date format; the header is bold and frozen; long text columns are wide and wrapped.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from coproduction_kit.core.private_files import private_file
from coproduction_kit.core.spreadsheet import neutralise_formula
from coproduction_kit.review.export import new_private_file

EXCEL_MAX_CHARS = 32_767
# XML cannot hold these control characters; a cell keeps the text around them.
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Excel reads "_x0041_" in a string as an escaped character: a literal one is escaped itself.
_EXCEL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial day 0, counting Excel's 29 February 1900
WIDE = {"prompt": 50, "answer": 70, "distribution": 50, "frequent_words": 40, "statement": 50}
BOLD, WRAP, DATE = 1, 2, 3  # the cell styles of styles.xml, in order


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


def _inline(text: str) -> str:
    """A cleaned text (``_excel_value``) as the inside of an inline-string cell."""
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    body = escape(_EXCEL_ESCAPE.sub(r"_x005F\1", text))
    return f'<is><t{space}>{body}</t></is>'


def _text(ref: str, text: str, style: str) -> str:
    return f'<c r="{ref}"{style} t="inlineStr">{_inline(text)}</c>'


def _serial(moment: datetime) -> float:
    delta = moment - _EXCEL_EPOCH.to_pydatetime()
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400


def _cell(ref: str, value, style: str) -> str:
    value = _excel_value(value)
    if value is None or isinstance(value, str):  # as XlsxWriter did, an empty text is an empty cell
        return _text(ref, value, style) if value else ""
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{DATE}"><v>{_serial(value):.16G}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>' if value == value else ""
    return _text(ref, str(value), style)


def _column_cells(letter: str, series: pd.Series, style: str) -> list[str]:
    """One column's cells, from the second row on ("" where a cell is empty)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        if series.dt.tz is not None:  # Excel cannot hold a time zone: naive UTC
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        delta = series - _EXCEL_EPOCH
        serials = delta.dt.days + (delta.dt.seconds + delta.dt.microseconds / 1e6) / 86400
        return [f'<c r="{letter}{row}" s="{DATE}"><v>{serial:.16G}</v></c>' if serial == serial else ""
                for row, serial in enumerate(serials.tolist(), start=2)]
    cells, inline = [], {}  # a text met again (a module, a prompt) is cleaned and escaped once
    for row, value in enumerate(series.tolist(), start=2):
        if type(value) is str:
            if value not in inline:
                text = _excel_value(value)
                inline[value] = _inline(text) if text else None
            cells.append(f'<c r="{letter}{row}"{style} t="inlineStr">{inline[value]}</c>' if inline[value] else "")
        else:
            cells.append(_cell(f"{letter}{row}", value, style))
    return cells


def _letter(number: int) -> str:
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet(table: pd.DataFrame) -> str:
    letters = [_letter(n) for n in range(len(table.columns))]
    cols = "".join(f'<col min="{n + 1}" max="{n + 1}" width="{WIDE.get(c, 18)}" customWidth="1"'
                   + (f' style="{WRAP}"' if c in WIDE else "") + "/>" for n, c in enumerate(table.columns))
    header = "".join(_text(f"{letter}1", str(column), f' s="{BOLD}"') for letter, column in zip(letters, table.columns))
    columns = [_column_cells(letter, table[column], f' s="{WRAP}"' if column in WIDE else "")
               for letter, column in zip(letters, table.columns)]
    rows = [f'<row r="{n}">{"".join(cells)}</row>' for n, cells in enumerate(zip(*columns), start=2)]
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
            ' state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'<cols>{cols}</cols><sheetData><row r="1">{header}</row>{"".join(rows)}</sheetData></worksheet>')


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>'
    '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/>'
    '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
    '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _package(sheets: dict[str, str]) -> dict[str, str]:
    """Every part of the workbook by its name in the zip."""
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in range(1, len(sheets) + 1))
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{sheet_types}</Types>'),
        "_rels/.rels": (f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_RELS}/officeDocument"'
                        ' Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>' + "".join(
                f'<sheet name="{escape(title)}" sheetId="{n}" r:id="rId{n}"/>'
                for n, title in enumerate(sheets, start=1)) + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}">' + "".join(
                f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_RELS}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": _STYLES,
    }
    parts.update({f"xl/worksheets/sheet{n}.xml": xml for n, xml in enumerate(sheets.values(), start=1)})
    return parts


def write_xlsx(frame: pd.DataFrame, summary: pd.DataFrame, path: str | Path,
               more: dict[str, pd.DataFrame] | None = None) -> Path:
    """A workbook with a "Shared reflections" sheet, a "Summary" sheet and ``more`` (title: table);
    text is never a formula."""
    path = new_private_file(path)
    reflections = frame[[c for c in frame.columns if c != "value"]]
    sheets = {"Shared reflections": reflections, "Summary": summary, **(more or {})}
    parts = _package({title: _sheet(table) for title, table in sheets.items()})
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, xml in parts.items():
            book.writestr(name, xml)
    return private_file(path)
