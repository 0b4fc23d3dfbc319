"""The one CSV writer: UTF-8 with BOM for Excel, formula injection neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP advice)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """The whole file as text, starting with a BOM so Excel reads it as UTF-8."""
    if delimiter not in (",", ";"):
        raise ValueError("delimiter must be ',' or ';'")
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
