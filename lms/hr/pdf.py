"""The one-page JP summary of an OPD for its head (Kepala OPD), pure layout (fpdf2, the vendored fonts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from lms.accounts.nip import format_nip
from lms.certificates.pdf import FONT_FILES, INK, MUTED, NAVY, clean_text, long_date, printable_codepoints
from lms.fonts import FONT_DIR
from lms.hr.dashboard import Compliance, PersonCompliance


@dataclass(frozen=True)
class OpdSummary:
    opd: str
    instansi: str
    organiser: str
    year: int
    figures: Compliance
    targets: tuple[int, int]  # PNS, PPPK
    below: tuple[PersonCompliance, ...]  # the first ones below target, most JP needed first
    below_total: int
    printed_at: datetime  # on the office's clock
    printed_by: str


def printable(text: str | None) -> str:
    """`text` cleaned, each character the fonts cannot draw shown as '?': the summary always prints."""
    known = printable_codepoints()
    return "".join(char if ord(char) in known or char.isspace() else "?" for char in clean_text(text))


def render_opd_summary_pdf(summary: OpdSummary, *, lms_name: str = "Lentera") -> bytes:
    """A4 portrait, one page: the OPD and year, ASN at target (count and share), JP from Lentera and from
    elsewhere, mandatory modules on time / late / overdue, the first people below target ("dan X
    lainnya"), and when and by whom it was printed (WIB)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    f = summary.figures
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 16, 20)
    printed = summary.printed_at
    pdf.set_creation_date(datetime(printed.year, printed.month, printed.day, tzinfo=UTC))
    pdf.set_title(f"Ringkasan JP {summary.year} {printable(summary.opd)}")
    pdf.set_creator(lms_name)
    pdf.set_lang("id-ID")
    for (family, style), filename in FONT_FILES.items():
        pdf.add_font(family, style, FONT_DIR / filename)
    pdf.add_page()
    width = 170.0
    pdf.set_text_color(*NAVY)
    pdf.set_font("sans", "B", 10.5)
    pdf.cell(width, 5.5, printable(summary.instansi).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "B", 12)
    pdf.cell(width, 6.5, printable(summary.organiser).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(20, pdf.get_y() + 2, 190, pdf.get_y() + 2)
    pdf.ln(6)
    pdf.set_font("serif", "B", 14)
    pdf.cell(width, 7, f"RINGKASAN CAPAIAN JP TAHUN {summary.year}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "B", 11.5)
    pdf.multi_cell(width, 6, printable(summary.opd), align="C", new_x="LMARGIN", new_y="NEXT", max_line_height=6)
    pdf.ln(4)

    pns, pppk = summary.targets
    target = f"{pns} JP" if pns == pppk else f"PNS {pns} JP, PPPK {pppk} JP"
    m = f.mandatory
    facts = (
        ("Jumlah ASN", f"{f.people} orang"),
        ("Target JP per tahun", target),
        ("Mencapai target", f"{f.reached} orang ({f.percent}%)"),
        ("Belum mencapai target", f"{f.below} orang"),
        ("JP dari Lentera", f"{f.lentera_jp} JP"),
        ("JP di luar Lentera", f"{f.external_jp} JP"),
        ("Jumlah JP", f"{f.jp} JP"),
        ("Modul wajib tepat waktu", f"{m.on_time}"),
        ("Modul wajib terlambat selesai", f"{m.late}"),
        ("Modul wajib lewat tenggat", f"{m.overdue}"),
        ("Modul wajib belum jatuh tempo", f"{m.pending}"),
    )
    pdf.set_text_color(*INK)
    for label, value in facts:
        pdf.set_font("sans", "", 10)
        pdf.cell(62, 5.6, label)
        pdf.cell(4, 5.6, ":")
        pdf.set_font("sans", "B", 10)
        pdf.cell(width - 66, 5.6, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("sans", "B", 11)
    pdf.cell(width, 6.5, "ASN yang belum mencapai target", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 9)
    pdf.set_draw_color(150, 160, 175)
    pdf.set_line_width(0.2)
    if summary.below:
        with pdf.table(
            col_widths=(9, 44, 77, 20, 20),
            text_align=("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT"),
            line_height=4.8,
            headings_style=FontFace(emphasis="BOLD", fill_color=(232, 237, 245)),
        ) as table:
            head = table.row()
            for title in ("No.", "NIP", "Nama", "JP", "Kurang"):
                head.cell(title)
            for index, person in enumerate(summary.below, start=1):
                row = table.row()
                row.cell(str(index))
                row.cell(format_nip(person.nip))
                row.cell(printable(person.name)[:70])
                row.cell(f"{person.jp}/{person.target}")
                row.cell(str(person.needed))
        rest = summary.below_total - len(summary.below)
        if rest > 0:
            pdf.ln(1.5)
            pdf.set_font("sans", "", 9.5)
            pdf.cell(width, 5, f"dan {rest} lainnya (daftar lengkap di {lms_name}).", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.cell(width, 5.5, "Semua ASN telah mencapai target JP.", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(-24)
    pdf.set_font("sans", "", 8.5)
    pdf.set_text_color(*MUTED)
    zone = printed.tzname() or ""
    pdf.multi_cell(
        width,
        4.2,
        f"Dicetak dari {lms_name} pada {long_date(printed.date())} pukul {printed:%H.%M} {zone} oleh "
        f"{printable(summary.printed_by)}. JP dari Lentera dihitung menurut aturan JP Lentera (satu modul "
        "sekali setahun; penyelesaian yang dinyatakan tidak sah tidak dihitung); JP di luar Lentera adalah "
        "riwayat yang telah disetujui HR.",
        align="L",
    )
    return bytes(pdf.output())
