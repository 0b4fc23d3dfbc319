"""Stored content HTML on its way into a page: every table in a box of its own that scrolls sideways.

Done when a page is shown (not when the Markdown is synced), so content synced earlier gets it too and
the words added are in the reader's language. Pure string work: no Markdown or sanitiser library.
"""

from __future__ import annotations

import html
import re

# The sanitiser writes <table> without attributes (none are allowed on it); raw HTML synced before
# that rule may carry some, so any start tag of a table is matched.
_TABLE_START = re.compile(r"<table\b[^>]*>", re.IGNORECASE)
_TABLE_END = re.compile(r"</table\s*>", re.IGNORECASE)
_FIRST_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
_CELL = re.compile(r"<t[hd]\b", re.IGNORECASE)

#: Column counts with a width class in the CSS (`table-cols-N`); wider tables use the last.
MAX_WIDTH_CLASS = 8


def column_count(table_html: str) -> int:
    """Cells in the first row of the table that starts `table_html` (0 when there is no row)."""
    row = _FIRST_ROW.search(table_html)
    return len(_CELL.findall(row.group(1))) if row else 0


def scrollable_tables(content: str, *, label: str, hint: str) -> str:
    """Wrap each ``<table>`` of sanitised HTML in a focusable region that scrolls sideways.

    Rule: a table keeps its columns and never breaks a word to fit a phone; when it is wider than the
    screen it scrolls inside its box, announced by `label` (the region's accessible name) and, on a
    narrow screen, by the visible `hint` above it. The box is classed `table-cols-N` by the number of
    columns, so the stylesheet can give the columns a readable width. Text outside tables is unchanged.
    """
    if "<table" not in content.lower():
        return content
    hint_html = f'<p class="table-hint" aria-hidden="true">{html.escape(hint)}</p>'
    label_attr = html.escape(label, quote=True)

    def opening(match: re.Match[str]) -> str:
        columns = min(column_count(content[match.end() :]), MAX_WIDTH_CLASS)
        return (
            f'{hint_html}<div class="table-wrap table-cols-{columns}" role="region" tabindex="0" '
            f'aria-label="{label_attr}">{match.group(0)}'
        )

    wrapped = _TABLE_START.sub(opening, content)
    return _TABLE_END.sub(lambda match: match.group(0) + "</div>", wrapped)
