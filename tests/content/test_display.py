"""Content HTML shown on a page: each table scrolls in its own labelled box; nothing else changes."""

from __future__ import annotations

import re

from lms.content.display import column_count, scrollable_tables
from lms.content.render import render_markdown

LABEL = "Tabel (geser ke samping)"
HINT = "↔ Geser tabel ke samping."

SIX_COLUMNS = (
    "| No | Jenis | Contoh | Dampak | Cara memeriksa | Tindak lanjut |\n"
    "|---|---|---|---|---|---|\n"
    "| 1 | Misinformasi | Pesan berantai | Warga bingung | Cek situs resmi | Luruskan |\n"
)


def shown(markdown: str) -> str:
    return scrollable_tables(render_markdown(markdown), label=LABEL, hint=HINT)


def test_a_table_scrolls_in_a_focusable_labelled_region_with_a_hint_before_it() -> None:
    page = shown("Sebelum.\n\n" + SIX_COLUMNS + "\nSesudah.")
    assert re.search(
        r'<p class="table-hint" aria-hidden="true">↔ Geser tabel ke samping\.</p>'
        r'<div class="table-wrap table-cols-6" role="region" tabindex="0" aria-label="Tabel \(geser ke samping\)">'
        r"<table>.*</table></div>",
        page,
        re.DOTALL,
    ), page
    assert page.startswith("<p>Sebelum.</p>") and page.endswith("<p>Sesudah.</p>")
    # The words in the cells are the author's, whole.
    assert "<td>Misinformasi</td>" in page


def test_every_table_is_wrapped_once_and_classed_by_its_columns() -> None:
    two = "| A | B |\n|---|---|\n| 1 | 2 |\n"
    page = shown(two + "\nAntara.\n\n" + SIX_COLUMNS)
    assert page.count('<div class="table-wrap') == 2 == page.count("</table></div>")
    assert "table-cols-2" in page and "table-cols-6" in page


def test_html_without_a_table_is_returned_unchanged() -> None:
    html = render_markdown("Teks biasa dengan `kode` dan https://contoh.go.id/alamat-panjang.")
    assert scrollable_tables(html, label=LABEL, hint=HINT) is html


def test_label_and_hint_are_escaped() -> None:
    page = scrollable_tables("<table><tr><td>1</td></tr></table>", label='"><script>', hint="<b>")
    assert "<script>" not in page and "<b>" not in page
    assert 'aria-label="&quot;&gt;&lt;script&gt;"' in page


def test_column_count_reads_the_first_row_and_caps_the_class() -> None:
    assert column_count("<table><thead><tr><th>a</th><th>b</th><th>c</th></tr></thead></table>") == 3
    assert column_count("<table></table>") == 0
    wide = "<table><tr>" + "<td>x</td>" * 12 + "</tr></table>"
    assert "table-cols-8" in scrollable_tables(wide, label=LABEL, hint=HINT)
