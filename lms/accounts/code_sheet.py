"""The admin's activation codes as a PDF sheet of slips, one per person, to print, cut and hand over.

Pure: the slips come from what the admin's own page holds (the server keeps no code in plain text);
fpdf2 is imported only when a sheet is drawn, so a web worker does not hold it from the start.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from babel.dates import format_date

from lms.accounts.nip import format_nip
from lms.fonts import FONT_DIR

#: A4 portrait in mm: two columns of five slips.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 210.0, 297.0, 12.0
COLUMNS, ROWS = 2, 5
TOP = 22.0  # below the page heading
SLIP_WIDTH = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
SLIP_HEIGHT = (PAGE_HEIGHT - TOP - MARGIN) / ROWS
PADDING = 5.0
INK, MUTED, BRAND = (27, 31, 35), (74, 85, 96), (11, 92, 75)


@dataclass(frozen=True)
class CodeSlip:
    nip: str
    name: str
    code: str
    valid_until: date


def _clean(text: str) -> str:
    """NFC, without control characters (a name is one line of print)."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c)[0] != "C").strip()


def render_code_sheet(
    slips: Sequence[CodeSlip], *, lms_name: str, organiser: str, login_url: str, printed_on: date
) -> bytes:
    """A4 pages of ten slips, each: name, NIP, activation code, last valid day and how to log in.

    Rule: the same slips give the same bytes (the creation date is `printed_on`), and the document
    states nowhere but on the slips what the codes are. Raises ValueError for an empty list.
    """
    if not slips:
        raise ValueError("no slips to draw")
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_creation_date(datetime(printed_on.year, printed_on.month, printed_on.day, tzinfo=UTC))
    pdf.set_title(f"Kode aktivasi {lms_name}")
    pdf.set_creator(lms_name)
    pdf.set_lang("id-ID")
    pdf.add_font("sans", "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font("sans", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    per_page = COLUMNS * ROWS
    pages = (len(slips) + per_page - 1) // per_page
    for index, slip in enumerate(slips):
        if index % per_page == 0:
            pdf.add_page()
            _heading(pdf, lms_name, organiser, printed_on, page=index // per_page + 1, pages=pages)
        column, row = index % COLUMNS, (index % per_page) // COLUMNS
        _slip(pdf, slip, MARGIN + column * SLIP_WIDTH, TOP + row * SLIP_HEIGHT, lms_name, login_url)
    return bytes(pdf.output())


def _heading(pdf, lms_name: str, organiser: str, printed_on: date, *, page: int, pages: int) -> None:
    pdf.set_xy(MARGIN, MARGIN)
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "B", 11)
    pdf.cell(PAGE_WIDTH - 2 * MARGIN, 5, f"Kode aktivasi {lms_name} · {_clean(organiser)}")
    pdf.set_xy(MARGIN, MARGIN + 5)
    pdf.set_text_color(*MUTED)
    pdf.set_font("sans", "", 8)
    pdf.cell(
        PAGE_WIDTH - 2 * MARGIN,
        4,
        f"Dicetak {format_date(printed_on, 'd MMMM y', locale='id')} · halaman {page} dari {pages} · "
        "Rahasia: gunting per lembar dan serahkan hanya kepada pemiliknya.",
    )


def _slip(pdf, slip: CodeSlip, x: float, y: float, lms_name: str, login_url: str) -> None:
    width = SLIP_WIDTH - 2 * PADDING
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.rect(x, y, SLIP_WIDTH, SLIP_HEIGHT)
    pdf.set_dash_pattern()
    left = x + PADDING
    pdf.set_xy(left, y + PADDING)
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "B", 10.5)
    pdf.multi_cell(width, 4.8, _clean(slip.name), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(left)
    pdf.set_font("sans", "", 9.5)
    pdf.cell(width, 5, f"NIP {format_nip(slip.nip)}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(left)
    pdf.set_text_color(*MUTED)
    pdf.set_font("sans", "", 8)
    pdf.cell(width, 5, "Kode aktivasi", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(left)
    pdf.set_text_color(*BRAND)
    pdf.set_font("sans", "B", 16)
    pdf.cell(width, 7, slip.code, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(left)
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "", 8.5)
    until = format_date(slip.valid_until, "d MMMM y", locale="id")
    pdf.multi_cell(
        width,
        3.8,
        f"Berlaku sampai {until}. Masuk ke {lms_name} di {login_url} dengan NIP dan kode ini, "
        "lalu buat kata sandi Anda sendiri.",
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
