"""The one CSV and XLSX writer: UTF-8 with BOM for Excel, formula injection neutralised, NIP kept as text.

NIP as text. Excel keeps only 15 significant digits of a number, so an 18-digit NIP read from a CSV
loses its last three digits for good; a d-m-Y date such as 03-11-2026 may be read as 11 March. A
value wrapped in `as_text(...)`:
- in CSV is written as ="198609262015051001" when it is made of digits (and - / . or spaces between
  them): Excel and LibreOffice show it as text, exactly, whichever delimiter the file uses. The
  formula is a string literal of digits and separators and nothing else, so it cannot carry an
  injection; a program reading the file must strip the =" and " (or read the XLSX, which needs no
  trick). Pass `excel_text=False` to write such values bare.
- in XLSX is written as a string cell with the text number format '@'.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What Excel would turn into a number or a date: digits, maybe with separators between them.
_NUMBER_LIKE = re.compile(r"[0-9](?:[0-9 ./-]*[0-9])?")


class ExcelText(str):
    """A value a spreadsheet must keep as text, never as a number: a NIP, a certificate number."""

    __slots__ = ()


def as_text(value: object) -> ExcelText:
    """Mark `value` to be written as text in CSV and XLSX (see the module docstring)."""
    return ExcelText("" if value is None else str(value))


def neutralise(value: object) -> str:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP advice)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_cell(value: object, *, excel_text: bool = True) -> str:
    """One cell as written to CSV: number-like text marked `as_text` becomes ="…"; the rest is neutralised."""
    if excel_text and isinstance(value, ExcelText) and _NUMBER_LIKE.fullmatch(value):
        return f'="{value}"'
    return neutralise(value)


def iter_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",", *, excel_text: bool = True
) -> Iterator[str]:
    """The file line by line (the first starting with a BOM), for streaming large exports."""
    if delimiter not in (",", ";"):
        raise ValueError("delimiter must be ',' or ';'")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")

    def line(cells: Sequence[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(cell, excel_text=excel_text) for cell in cells])
        return buffer.getvalue()

    yield "\ufeff" + line(header)
    for row in rows:
        yield line(row)


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",", *, excel_text: bool = True
) -> str:
    """The whole file as text, starting with a BOM so Excel reads it as UTF-8."""
    return "".join(iter_csv(header, rows, delimiter, excel_text=excel_text))


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], *, sheet_title: str = "Data") -> bytes:
    """The table as an XLSX workbook: a bold frozen header, text never run as a formula, NIP cells as text.

    Strings are always string cells (openpyxl would otherwise turn "=…" into a formula), so nothing
    needs an apostrophe; `as_text` values also get the '@' number format, so Excel keeps them as text
    when they are edited. Dates are real dates shown as DD-MM-YYYY.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = [list(row) for row in rows]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31] or "Data")
    sheet.freeze_panes = "A2"
    for index, title in enumerate(header):
        sample = [len(str(row[index])) for row in rows[:1000] if index < len(row) and row[index] is not None]
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max([len(title), *sample]) + 2, 60)

    bold = Font(bold=True)

    def cell(value: object, *, is_header: bool = False) -> WriteOnlyCell:
        is_text = isinstance(value, ExcelText)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        item = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            item.data_type = "s"
        if is_text:
            item.number_format = "@"
        elif isinstance(value, datetime | date):
            item.number_format = "DD-MM-YYYY"
        if is_header:
            item.font = bold
        return item

    sheet.append([cell(str(title), is_header=True) for title in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
