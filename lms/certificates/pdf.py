"""The certificate PDF: pure layout over a frozen snapshot (fpdf2, QR code by segno); same input, same bytes."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.dates import format_date

from lms.accounts.nip import format_nip
from lms.certificates.numbering import verification_url
from lms.certificates.terbilang import jp_phrase
from lms.dates import CONFIG_KEY as TIMEZONE_KEY
from lms.dates import DEFAULT_TIMEZONE
from lms.errors import ValidationError
from lms.fonts import FONT_DIR

# fpdf2 (with fontTools and Pillow) and segno are imported where a PDF is drawn or a font is read, not
# here: this module is also imported for its dataclasses and text helpers, and a web worker that never
# renders a certificate should not hold those libraries in memory. Alignments are given as plain
# strings ("C", "L"), which fpdf2 coerces to Align.C and Align.L: the output is the same.
if TYPE_CHECKING:
    import segno
    from fpdf import FPDF


# (family, style) → vendored file in lms/fonts; see its README.md for why these are Latin subsets.
FONT_FILES: dict[tuple[str, str], str] = {
    ("sans", ""): "DejaVuSans.ttf",
    ("sans", "B"): "DejaVuSans-Bold.ttf",
    ("serif", "B"): "DejaVuSerif-Bold.ttf",
    ("serif", "I"): "DejaVuSerif-Italic.ttf",
}

# How a reader checks the certificate. Unsigned, the QR code (or its address) is the only way; a
# signed PDF also carries a digital signature that any PDF reader verifies.
QR_VERIFICATION_NOTE = "Keaslian sertifikat ini dapat diperiksa dengan memindai kode QR"
SIGNED_VERIFICATION_NOTE = (
    "Sertifikat ini ditandatangani secara elektronik. Keasliannya dapat diperiksa pada tanda tangan "
    "elektronik berkas PDF ini, dengan memindai kode QR"
)
SIGNED_MARK = "Ditandatangani secara elektronik"

# A4 landscape, millimetres.
PAGE_W, PAGE_H = 297.0, 210.0
NAVY = (24, 49, 83)
GOLD = (176, 141, 62)
INK = (33, 33, 33)
MUTED = (95, 95, 95)


@dataclass(frozen=True)
class CertificateSnapshot:
    """Everything a certificate states, frozen at issue: later edits of the user or module change nothing.

    The organiser, instansi, place and signatory are frozen too, so that a new Kepala BKPP does not
    appear on certificates signed before their time.
    """

    number: str
    verification_code: str
    name: str
    nip: str
    pangkat_golongan: str | None
    jabatan: str | None
    unit_kerja: str | None
    opd: str | None
    instansi: str
    module_title: str
    module_version: int
    jp: int
    score: int | None
    organiser: str
    started_on: date
    completed_on: date
    issued_on: date
    issued_at: datetime
    place: str
    signer_title: str
    signer_name: str | None = None
    signer_nip: str | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class CertificateSettings:
    """The LMS_CERT_* configuration.

    The renderer reads only `public_url` and `logo_path`; the rest is what the issuing service copies
    into each new snapshot (see `snapshot_defaults`).
    """

    public_url: str
    logo_path: Path | None = None
    prefix: str = "LMS"
    organiser: str = "BKPP Kota Semarang"
    instansi: str = "Pemerintah Kota Semarang"
    place: str = "Semarang"
    signer_title: str = "Kepala BKPP Kota Semarang"
    signer_name: str | None = None
    signer_nip: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    lms_name: str = "Lentera"

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], instance_path: str | Path, *, public_url: str | None = None
    ) -> CertificateSettings:
        """Settings from a Flask config; LMS_CERT_LOGO is relative to the instance folder, absent = no logo.
        `public_url` overrides LMS_PUBLIC_URL (the app passes `lms.urls.public_url()`)."""
        logo = config.get("LMS_CERT_LOGO")
        logo_path = None
        if logo:
            candidate = Path(logo)
            if not candidate.is_absolute():
                candidate = Path(instance_path) / candidate
            logo_path = candidate if candidate.is_file() else None
        return cls(
            public_url=public_url or config["LMS_PUBLIC_URL"],
            logo_path=logo_path,
            prefix=config.get("LMS_CERT_PREFIX") or "LMS",
            organiser=config.get("LMS_ORGANISER") or cls.organiser,
            instansi=config.get("LMS_INSTANCE_NAME") or cls.instansi,
            place=config.get("LMS_CERT_PLACE") or cls.place,
            signer_title=config.get("LMS_CERT_SIGNER_TITLE") or cls.signer_title,
            signer_name=config.get("LMS_CERT_SIGNER_NAME") or None,
            signer_nip=config.get("LMS_CERT_SIGNER_NIP") or None,
            timezone=config.get(TIMEZONE_KEY) or cls.timezone,
            lms_name=config.get("LMS_NAME") or cls.lms_name,
        )

    def snapshot_defaults(self) -> dict[str, str | None]:
        """The snapshot fields that come from configuration rather than from the learner or module."""
        return {
            "organiser": self.organiser,
            "instansi": self.instansi,
            "place": self.place,
            "signer_title": self.signer_title,
            "signer_name": self.signer_name,
            "signer_nip": self.signer_nip,
        }


# ---------------------------------------------------------------------------------------------- text


def long_date(value: date) -> str:
    """'28 November 2026': Indonesian month names, whatever the user's language (the document is Indonesian)."""
    return format_date(value, "d MMMM y", locale="id")


def clean_text(value: str | None) -> str:
    """NFC-normalised and single-spaced, so 'e' + combining acute prints as the one glyph 'é'."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


FIELD_LABELS = {
    "name": "Nama",
    "pangkat_golongan": "Pangkat/golongan",
    "jabatan": "Jabatan",
    "unit_kerja": "Unit kerja",
    "opd": "Perangkat daerah",
    "instansi": "Instansi",
    "module_title": "Judul modul",
    "organiser": "Penyelenggara",
    "place": "Tempat",
    "signer_title": "Jabatan penanda tangan",
    "signer_name": "Nama penanda tangan",
    "number": "Nomor sertifikat",
}


@lru_cache(maxsize=1)
def printable_codepoints() -> frozenset[int]:
    """Code points every certificate font can draw (the intersection of their cmaps), read once."""
    from fontTools.ttLib import TTFont

    covered: set[int] | None = None
    for filename in FONT_FILES.values():
        font = TTFont(FONT_DIR / filename, lazy=True)
        try:
            cmap = set(font.getBestCmap())
        finally:
            font.close()
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered or ())


def unprintable_characters(text: str | None) -> list[str]:
    """The distinct characters of `text` (after NFC) that the certificate fonts cannot draw, in order."""
    covered = printable_codepoints()
    seen: list[str] = []
    for char in clean_text(text):
        if ord(char) not in covered and char not in seen:
            seen.append(char)
    return seen


def check_printable(snapshot: CertificateSnapshot) -> None:
    """Refuse, before anything is drawn, a snapshot holding characters the fonts lack.

    Latin letters with accents (é, ñ, ö) print; scripts such as Arabic or Javanese do not, and fpdf2
    would otherwise print empty boxes. Raises ValidationError naming the field and the characters.
    """
    problems = []
    for name, label in FIELD_LABELS.items():
        bad = unprintable_characters(getattr(snapshot, name))
        if bad:
            shown = ", ".join(f"{char} (U+{ord(char):04X})" for char in bad[:5])
            more = f" dan {len(bad) - 5} lainnya" if len(bad) > 5 else ""
            problems.append(f"{label} memuat karakter yang tidak dapat dicetak: {shown}{more}")
    if problems:
        raise ValidationError(
            "Sertifikat tidak dapat dibuat. "
            + "; ".join(problems)
            + ". Tuliskan data tersebut dengan huruf Latin (huruf beraksen seperti é atau ñ boleh), "
            "lalu minta admin memperbaikinya."
        )


def body_text(snapshot: CertificateSnapshot) -> str:
    """The sentence after the module title: organiser, dates, JP in digits and words, score, validity."""
    organiser = clean_text(snapshot.organiser)
    start, end = snapshot.started_on, snapshot.completed_on
    if start == end:
        when = f"pada tanggal {long_date(end)}"
    else:
        when = f"dari tanggal {long_date(start)} sampai dengan {long_date(end)}"
    text = f"yang diselenggarakan oleh {organiser} secara daring {when}, yang meliputi {jp_phrase(snapshot.jp)}"
    if snapshot.score is not None:
        text += f", dengan nilai akhir {snapshot.score}"
    text += "."
    if snapshot.valid_until is not None:
        text += f" Sertifikat ini berlaku sampai dengan {long_date(snapshot.valid_until)}."
    return text


def identity_rows(snapshot: CertificateSnapshot) -> list[tuple[str, str]]:
    """The learner's particulars as at completion, label and value; '-' where a value is unknown."""
    return [
        ("NIP", format_nip(snapshot.nip)),
        ("Pangkat/Golongan", clean_text(snapshot.pangkat_golongan) or "-"),
        ("Jabatan", clean_text(snapshot.jabatan) or "-"),
        ("Unit Kerja", clean_text(snapshot.unit_kerja) or "-"),
        ("Perangkat Daerah", clean_text(snapshot.opd) or "-"),
        ("Instansi", clean_text(snapshot.instansi) or "-"),
    ]


# ------------------------------------------------------------------------------------------------ QR


def qr_payload(snapshot: CertificateSnapshot, settings: CertificateSettings) -> str:
    """What the QR code holds: the public verification URL, nothing else."""
    return verification_url(settings.public_url, snapshot.verification_code)


def make_qr(payload: str) -> segno.QRCode:
    """The QR code for `payload`: error correction M survives a crease or a smudge of the printout."""
    import segno

    return segno.make_qr(payload, error="m")


def _draw_qr(pdf: FPDF, qr: segno.QRCode, x: float, y: float, size: float) -> None:
    """Draw the code as vector rectangles (one per run of dark modules): crisp at any zoom, no image."""
    matrix = qr.matrix
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        col, width = 0, len(row)
        while col < width:
            if not row[col]:
                col += 1
                continue
            start = col
            while col < width and row[col]:
                col += 1
            pdf.rect(x + start * module, y + row_index * module, (col - start) * module, module, style="F")


# -------------------------------------------------------------------------------------------- layout


@lru_cache(maxsize=8)
def _read_logo(path: str, mtime_ns: int) -> bytes:
    return Path(path).read_bytes()


def _new_document(snapshot: CertificateSnapshot, settings: CertificateSettings) -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    # Deterministic output: the creation date comes from the snapshot, and fpdf2's default file ID
    # is an MD5 of the document's bytes plus that date, so it is stable too.
    pdf.set_creation_date(snapshot.issued_at)
    pdf.set_title(f"Sertifikat {snapshot.number}")
    pdf.set_subject(clean_text(snapshot.module_title))
    pdf.set_author(clean_text(snapshot.organiser))
    pdf.set_creator(settings.lms_name)
    pdf.set_lang("id-ID")
    for (family, style), filename in FONT_FILES.items():
        pdf.add_font(family, style, FONT_DIR / filename)
        # The vendored fonts are already small subsets: skip recomputing glyph bounding boxes when
        # fpdf2 saves its per-document subset (the boxes are stored in the glyphs themselves). This
        # spares fontTools decoding and re-encoding every glyph's outline, about a third of the time.
        pdf.fonts[f"{family}{style}"].ttfont.recalcBBoxes = False
    pdf.add_page()
    return pdf


def _fit_size(pdf: FPDF, text: str, family: str, style: str, size: float, min_size: float, width: float) -> float:
    """The largest size from `size` down to `min_size` (in 0.25 pt steps) at which `text` fits `width`."""
    while size > min_size:
        pdf.set_font(family, style, size)
        if pdf.get_string_width(text) <= width:
            return size
        size -= 0.25
    pdf.set_font(family, style, min_size)
    return min_size


def _leading(size: float) -> float:
    """Line height in mm for a font size in pt (1 pt = 0.353 mm, with ~27 % leading)."""
    return size * 0.45


@dataclass
class _Block:
    """A piece of the page's middle: its height, the gap above it, and how to draw it at a given y."""

    height: float
    gap: float
    draw: Callable[[float], None]


def _line_block(
    pdf: FPDF,
    text: str,
    family: str,
    style: str,
    size: float,
    gap: float,
    *,
    min_size: float | None = None,
    width: float = 245.0,
    color: tuple[int, int, int] = INK,
    spacing: float = 0.0,
) -> _Block:
    """One centred line, shrunk down to `min_size` rather than cut when it is too long."""
    pdf.set_char_spacing(0)
    fitted = _fit_size(pdf, text, family, style, size, min_size or size, width - spacing * 0.353 * len(text))

    def draw(y: float) -> None:
        pdf.set_font(family, style, fitted)
        pdf.set_char_spacing(spacing)
        pdf.set_text_color(*color)
        pdf.set_xy((PAGE_W - width) / 2, y)
        pdf.cell(width, _leading(fitted), text, align="C")
        pdf.set_char_spacing(0)

    return _Block(_leading(fitted), gap, draw)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap in the current font; a word wider than the line is split between characters.

    Measuring words once and adding them up is exact here (fpdf2 applies no kerning without text
    shaping) and many times faster than fpdf2's own line breaker, which the layout calls repeatedly.
    """
    space = pdf.get_string_width(" ")
    lines: list[str] = []
    current: list[str] = []
    current_w = 0.0
    for word in text.split(" "):
        word_w = pdf.get_string_width(word)
        while word_w > width:  # no spaces to break at: cut the word where it overflows
            cut = max(1, next(i for i in range(1, len(word) + 1) if pdf.get_string_width(word[:i]) > width) - 1)
            if current:
                lines.append(" ".join(current))
                current, current_w = [], 0.0
            lines.append(word[:cut])
            word = word[cut:]
            word_w = pdf.get_string_width(word)
        if current and current_w + space + word_w > width:
            lines.append(" ".join(current))
            current, current_w = [], 0.0
        current_w = current_w + space + word_w if current else word_w
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _fit_lines(
    pdf: FPDF, text: str, family: str, style: str, size: float, min_size: float, width: float, max_lines: int
) -> tuple[float, list[str]]:
    """The largest size (down to `min_size`) at which `text` wraps into `max_lines`, and those lines."""
    while True:
        pdf.set_font(family, style, size)
        lines = _wrap(pdf, text, width)
        if len(lines) <= max_lines or size <= min_size:
            return size, lines
        size -= 0.25


def _draw_lines(pdf: FPDF, x: float, y: float, width: float, lines: list[str], size: float, align: str) -> None:
    for line in lines:
        pdf.set_xy(x, y)
        pdf.cell(width, _leading(size), line, align=align)
        y += _leading(size)


def _paragraph_block(
    pdf: FPDF,
    text: str,
    family: str,
    style: str,
    size: float,
    gap: float,
    *,
    width: float,
    max_lines: int,
    min_size: float,
    color: tuple[int, int, int] = INK,
    x: float | None = None,
) -> _Block:
    """Centred text over at most `max_lines` lines, the type shrinking until it fits."""
    fitted, lines = _fit_lines(pdf, text, family, style, size, min_size, width, max_lines)
    left = (PAGE_W - width) / 2 if x is None else x

    def draw(y: float) -> None:
        pdf.set_font(family, style, fitted)
        pdf.set_text_color(*color)
        _draw_lines(pdf, left, y, width, lines, fitted, "C")

    return _Block(len(lines) * _leading(fitted), gap, draw)


def _identity_block(pdf: FPDF, rows: list[tuple[str, str]], size: float, gap: float) -> _Block:
    """The particulars as a label : value table, centred on its widest line; long values take two lines."""
    label_w, colon_w, max_value_w, min_size = 38.0, 4.0, 175.0, 8.5
    pdf.set_font("sans", "B", size)
    widest = max(pdf.get_string_width(value) for _label, value in rows)
    value_w = min(max(widest + 2, 90.0), max_value_w)
    x = (PAGE_W - (label_w + colon_w + value_w)) / 2
    row_pad = 0.4
    laid_out: list[tuple[str, str, float, list[str]]] = []  # label, style, size, lines
    for label, value in rows:
        style = "B" if label == "NIP" else ""
        fitted, lines = _fit_lines(pdf, value, "sans", style, size, min_size, value_w, 2)
        laid_out.append((label, style, fitted, lines))
    heights = [max(len(lines) * _leading(fitted), _leading(size)) + row_pad for _l, _s, fitted, lines in laid_out]

    def draw(y: float) -> None:
        pdf.set_text_color(*INK)
        for (label, style, fitted, lines), row_h in zip(laid_out, heights, strict=True):
            pdf.set_font("sans", "", size)
            pdf.set_xy(x, y)
            pdf.cell(label_w, _leading(size), label)
            pdf.cell(colon_w, _leading(size), ":")
            pdf.set_font("sans", style, fitted)
            # A smaller size sits on the same baseline as the label, more or less: centre it on the row.
            _draw_lines(
                pdf, x + label_w + colon_w, y + (_leading(size) - _leading(fitted)) / 2, value_w, lines, fitted, "L"
            )
            y += row_h

    return _Block(sum(heights), gap, draw)


def _middle_blocks(pdf: FPDF, snapshot: CertificateSnapshot, scale: float) -> list[_Block]:
    """Title to closing sentence, at `scale` (1.0 is the design; smaller when the texts are long)."""
    s = scale
    return [
        _line_block(pdf, "SERTIFIKAT", "serif", "B", 30 * s, 0, color=NAVY, spacing=2.5 * s),
        _line_block(pdf, "Surat Tanda Tamat Pelatihan", "serif", "I", 13 * s, 1 * s, color=NAVY),
        _line_block(pdf, f"Nomor: {snapshot.number}", "sans", "", 10.5 * s, 1.5 * s),
        _line_block(pdf, "diberikan kepada:", "sans", "", 10.5 * s, 4 * s),
        _line_block(pdf, clean_text(snapshot.name), "serif", "B", 21 * s, 1.5 * s, min_size=13, width=240, color=NAVY),
        _identity_block(pdf, identity_rows(snapshot), 10.5 * s, 3 * s),
        _line_block(pdf, "telah mengikuti pelatihan", "sans", "", 10.5 * s, 3.5 * s),
        _paragraph_block(
            pdf,
            clean_text(snapshot.module_title),
            "sans",
            "B",
            13.5 * s,
            1.5 * s,
            width=PAGE_W - 60,
            max_lines=2,
            min_size=9.5,
        ),
        _paragraph_block(
            pdf, body_text(snapshot), "sans", "", 10.5 * s, 1.5 * s, width=PAGE_W - 70, max_lines=3, min_size=8.5
        ),
    ]


def _draw_middle(pdf: FPDF, snapshot: CertificateSnapshot, top: float, bottom: float) -> None:
    """Lay the middle out in [top, bottom]: shrink everything a little until it fits, then spread the gaps."""
    for scale in (1.0, 0.95, 0.9, 0.85, 0.8, 0.75):
        blocks = _middle_blocks(pdf, snapshot, scale)
        total = sum(block.height + block.gap for block in blocks)
        if total <= bottom - top:
            break
    spare = max(bottom - top - total, 0.0)
    per_gap = min(spare / (len(blocks) - 1), 2.0)
    y = top + (spare - per_gap * (len(blocks) - 1)) / 2
    for index, block in enumerate(blocks):
        if index:
            y += block.gap + per_gap
        block.draw(y)
        y += block.height


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.4)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.5)
    pdf.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)
    # Small corner squares, the one ornament.
    pdf.set_fill_color(*GOLD)
    for cx, cy in ((11.5, 11.5), (PAGE_W - 11.5, 11.5), (11.5, PAGE_H - 11.5), (PAGE_W - 11.5, PAGE_H - 11.5)):
        pdf.rect(cx - 1.6, cy - 1.6, 3.2, 3.2, style="F")


def _letterhead(pdf: FPDF, snapshot: CertificateSnapshot, settings: CertificateSettings) -> None:
    """The kop: optional logo on the left, instansi and organiser centred, a double rule below."""
    if settings.logo_path is not None:
        path = settings.logo_path
        pdf.image(_read_logo(str(path), path.stat().st_mtime_ns), x=24, y=16, h=21)
    for block, y in (
        (
            _line_block(
                pdf, clean_text(snapshot.instansi).upper(), "sans", "B", 12.5, 0, min_size=9, width=190, color=NAVY
            ),
            18,
        ),
        (
            _line_block(
                pdf, clean_text(snapshot.organiser).upper(), "sans", "B", 15, 0, min_size=10, width=190, color=NAVY
            ),
            24,
        ),
        (_line_block(pdf, "Pembelajaran Mandiri Aparatur Sipil Negara", "sans", "", 9, 0, color=MUTED), 31),
    ):
        block.draw(y)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.8)
    pdf.line(22, 38.5, PAGE_W - 22, 38.5)
    pdf.set_line_width(0.25)
    pdf.line(22, 39.7, PAGE_W - 22, 39.7)


FOOTER_TOP = 153.0


def _footer(pdf: FPDF, snapshot: CertificateSnapshot, settings: CertificateSettings, *, signed: bool) -> None:
    """QR code and how to verify on the left; place, date and signatory on the right.

    A PDF that will be signed says so, where a wet signature would go and in the note on
    verification; an unsigned one points to the QR code alone.
    """
    top = FOOTER_TOP
    payload = qr_payload(snapshot, settings)
    qr_x, qr_size = 24.0, 31.0
    _draw_qr(pdf, make_qr(payload), qr_x, top + 3, qr_size)
    note_x, note_w = qr_x + qr_size + 4, 104.0
    pdf.set_text_color(*NAVY)
    pdf.set_font("sans", "B", 9)
    pdf.set_xy(note_x, top + 5)
    pdf.cell(note_w, 4.5, "Verifikasi keaslian")
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "", 8.5)
    pdf.set_xy(note_x, top + 10.5)
    if signed:
        note = SIGNED_VERIFICATION_NOTE + " di samping, atau dengan membuka alamat:"
    else:
        note = QR_VERIFICATION_NOTE + " di samping atau dengan membuka alamat:"
    pdf.multi_cell(note_w, 4, note, align="L")
    url_size = _fit_size(pdf, payload, "sans", "", 8, 6, note_w)
    pdf.set_text_color(*NAVY)
    pdf.set_xy(note_x, pdf.get_y() + 0.8)
    pdf.cell(note_w, _leading(url_size), payload)
    pdf.set_text_color(*MUTED)
    pdf.set_font("sans", "", 7.5)
    pdf.set_xy(note_x, top + 28.5)
    pdf.cell(note_w, 3.5, f"Diterbitkan secara elektronik melalui {settings.lms_name}.")

    block_x, block_w = 186.0, 88.0
    pdf.set_text_color(*INK)
    pdf.set_font("sans", "", 10.5)
    pdf.set_xy(block_x, top + 3)
    pdf.cell(block_w, 5, f"{clean_text(snapshot.place)}, {long_date(snapshot.issued_on)}", align="C")
    title = clean_text(snapshot.signer_title)
    _paragraph_block(pdf, title, "sans", "B", 10.5, 0, width=block_w, max_lines=3, min_size=8.5, x=block_x).draw(
        top + 8.5
    )
    name_y = top + 30
    if signed:
        pdf.set_text_color(*MUTED)
        pdf.set_font("serif", "I", 9)
        pdf.set_xy(block_x, name_y - 6)
        pdf.cell(block_w, 4.5, SIGNED_MARK, align="C")
        pdf.set_text_color(*INK)
    signer_name = clean_text(snapshot.signer_name)
    if signer_name:
        _fit_size(pdf, signer_name, "sans", "B", 10.5, 8, block_w)
        pdf.set_xy(block_x, name_y)
        pdf.cell(block_w, 5, signer_name, align="C")
        width = pdf.get_string_width(signer_name)
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.3)
        pdf.line(block_x + (block_w - width) / 2, name_y + 5, block_x + (block_w + width) / 2, name_y + 5)
    if snapshot.signer_nip:
        pdf.set_font("sans", "", 10)
        pdf.set_xy(block_x, name_y + 5.8)
        pdf.cell(block_w, 5, f"NIP. {format_nip(snapshot.signer_nip)}", align="C")


def render_certificate_pdf(
    snapshot: CertificateSnapshot, settings: CertificateSettings, *, signed: bool = False
) -> bytes:
    """The certificate as PDF bytes: A4 landscape, fonts embedded, verified by its QR code.

    `signed` only changes the wording (the page says it is signed electronically); the signature
    itself is added afterwards by lms.certificates.signing. Pure: no database, no clock. The same
    snapshot, settings and `signed` give byte-identical output. Raises ValidationError (before
    drawing anything) when a field holds characters the fonts cannot print.
    """
    check_printable(snapshot)
    pdf = _new_document(snapshot, settings)
    _frame(pdf)
    _letterhead(pdf, snapshot, settings)
    _draw_middle(pdf, snapshot, top=44.5, bottom=FOOTER_TOP - 2)
    _footer(pdf, snapshot, settings, signed=signed)
    return bytes(pdf.output())


# ------------------------------------------------------------------------------------- JP recap


@dataclass(frozen=True)
class RecapLine:
    completed_on: date
    module_title: str
    jp: int
    certificate_number: str | None
    organiser: str | None = None  # set for training outside Lentera: the line is labelled "Eksternal"

    @property
    def is_external(self) -> bool:
        return self.organiser is not None


@dataclass(frozen=True)
class JpRecap:
    """A person's completed modules of one year, for the yearly JP recap."""

    name: str
    nip: str
    opd: str | None
    instansi: str
    organiser: str
    year: int
    target: int
    lines: tuple[RecapLine, ...]
    printed_on: date

    @property
    def total(self) -> int:
        return sum(line.jp for line in self.lines)

    @property
    def external(self) -> int:
        return sum(line.jp for line in self.lines if line.is_external)


def render_jp_recap_pdf(recap: JpRecap, settings: CertificateSettings) -> bytes:
    """The yearly JP recap of one person: A4 portrait, every module completed that year with its JP,
    the total against the target. Pure; characters the fonts lack are refused as for certificates."""
    checked = (
        ("Nama", recap.name),
        ("Judul modul", " ".join(line.module_title for line in recap.lines if not line.is_external)),
        (
            "Pelatihan di luar Lentera",
            " ".join(f"{line.module_title} {line.organiser}" for line in recap.lines if line.is_external),
        ),
    )
    for label, text in checked:
        bad = unprintable_characters(text)
        if bad:
            shown = ", ".join(f"{char} (U+{ord(char):04X})" for char in bad[:5])
            raise ValidationError(
                f"Rekap tidak dapat dibuat: {label} memuat karakter yang tidak dapat dicetak: {shown}."
            )
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.set_creation_date(datetime(recap.printed_on.year, recap.printed_on.month, recap.printed_on.day, tzinfo=UTC))
    pdf.set_title(f"Rekap JP {recap.year} {recap.nip}")
    pdf.set_creator(settings.lms_name)
    pdf.set_lang("id-ID")
    for (family, style), filename in FONT_FILES.items():
        pdf.add_font(family, style, FONT_DIR / filename)
    pdf.add_page()
    width = 170.0
    pdf.set_text_color(*NAVY)
    pdf.set_font("sans", "B", 11)
    pdf.cell(width, 6, clean_text(recap.instansi).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "B", 13)
    pdf.cell(width, 7, clean_text(recap.organiser).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(20, pdf.get_y() + 2, 190, pdf.get_y() + 2)
    pdf.ln(7)
    pdf.set_font("serif", "B", 15)
    pdf.cell(width, 8, f"REKAPITULASI JAM PELAJARAN TAHUN {recap.year}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_text_color(*INK)
    for label, value in (
        ("Nama", clean_text(recap.name)),
        ("NIP", format_nip(recap.nip)),
        ("Perangkat Daerah", clean_text(recap.opd) or "-"),
    ):
        pdf.set_font("sans", "", 10.5)
        pdf.cell(40, 6, label)
        pdf.cell(4, 6, ":")
        pdf.set_font("sans", "B" if label != "Perangkat Daerah" else "", 10.5)
        pdf.multi_cell(width - 44, 6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("sans", "", 9.5)
    pdf.set_draw_color(150, 160, 175)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=(9, 31, 82, 10, 38),
        text_align=("RIGHT", "LEFT", "LEFT", "RIGHT", "LEFT"),
        line_height=5.5,
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 237, 245)),
    ) as table:
        head = table.row()
        for title in ("No.", "Tanggal selesai", "Modul", "JP", "Nomor sertifikat"):
            head.cell(title)
        for index, line in enumerate(recap.lines, start=1):
            row = table.row()
            row.cell(str(index))
            row.cell(long_date(line.completed_on))
            row.cell(
                f"Eksternal: {clean_text(line.module_title)} ({clean_text(line.organiser)})"
                if line.is_external
                else clean_text(line.module_title)
            )
            row.cell(str(line.jp))
            row.cell(line.certificate_number or "-")
        if not recap.lines:
            row = table.row()
            row.cell("")
            row.cell("Belum ada modul yang diselesaikan pada tahun ini.", colspan=4)
    pdf.ln(4)
    pdf.set_font("sans", "B", 11)
    pdf.cell(width, 6, f"Jumlah: {jp_phrase(recap.total)}", new_x="LMARGIN", new_y="NEXT")
    if recap.external:
        pdf.set_font("sans", "", 10.5)
        pdf.cell(
            width,
            6,
            f"Dari modul Lentera {recap.total - recap.external} JP; dari pelatihan di luar Lentera (eksternal) "
            f"{recap.external} JP.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_font("sans", "", 10.5)
    status = "tercapai" if recap.total >= recap.target else f"belum tercapai (kurang {recap.target - recap.total} JP)"
    pdf.cell(width, 6, f"Target tahun {recap.year}: {recap.target} JP — {status}.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("sans", "", 9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        width,
        4.5,
        f"Dicetak dari {settings.lms_name} pada {long_date(recap.printed_on)}. Setiap sertifikat dapat diverifikasi "
        f"di {settings.public_url.rstrip('/')}/verifikasi/ dengan kode pada sertifikatnya.",
        align="L",
    )
    return bytes(pdf.output())
