"""HR exports, pure: SIASN riwayat kursus rows (CSV/XLSX) from certificates' frozen snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lms.certificates.pdf import CertificateSnapshot, clean_text
from lms.csvutil import as_text, write_csv, write_xlsx

# The field names of SIASN's riwayat kursus, spelled exactly as BKN spells them ("Sertipikat").
SIASN_COLUMNS = (
    "NIP",
    "namaKursus",
    "institusiPenyelenggara",
    "jumlahJam",
    "nomorSertipikat",
    "tanggalKursus",
    "tanggalSelesaiKursus",
    "tahunKursus",
)


def dmy(value: date) -> str:
    """A date as SIASN takes it: d-m-Y with zero padding, e.g. '03-11-2026'."""
    return value.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class SiasnCourse:
    """One completed module as a SIASN riwayat kursus entry."""

    nip: str
    nama_kursus: str
    institusi_penyelenggara: str
    jumlah_jam: int
    nomor_sertipikat: str
    tanggal_kursus: date
    tanggal_selesai_kursus: date

    @property
    def tahun_kursus(self) -> int:
        """The year the course counts for: the year it was completed, as JP are counted."""
        return self.tanggal_selesai_kursus.year

    def row(self) -> list[object]:
        """The row in SIASN_COLUMNS order; the NIP and number are marked as text for spreadsheets."""
        return [
            as_text(self.nip),
            self.nama_kursus,
            self.institusi_penyelenggara,
            self.jumlah_jam,
            as_text(self.nomor_sertipikat),
            as_text(dmy(self.tanggal_kursus)),
            as_text(dmy(self.tanggal_selesai_kursus)),
            self.tahun_kursus,
        ]


def siasn_course(snapshot: CertificateSnapshot) -> SiasnCourse:
    """The SIASN entry for a certificate, from its frozen snapshot (never from today's user or module)."""
    return SiasnCourse(
        nip=snapshot.nip,
        nama_kursus=clean_text(snapshot.module_title),
        institusi_penyelenggara=clean_text(snapshot.organiser),
        jumlah_jam=snapshot.jp,
        nomor_sertipikat=snapshot.number,
        tanggal_kursus=snapshot.started_on,
        tanggal_selesai_kursus=snapshot.completed_on,
    )


def siasn_external(training) -> SiasnCourse:
    """The SIASN entry for an approved training outside Lentera (lms.external), under its own organiser,
    when HR asks for external rows in the export."""
    return SiasnCourse(
        nip=training.user.nip,
        nama_kursus=clean_text(training.name),
        institusi_penyelenggara=clean_text(training.organiser),
        jumlah_jam=training.jp,
        nomor_sertipikat=training.certificate_number or "",
        tanggal_kursus=training.start_on,
        tanggal_selesai_kursus=training.end_on,
    )


def siasn_csv(courses: Iterable[SiasnCourse], delimiter: str = ";") -> str:
    """SIASN rows as CSV (BOM, ';' by default as Indonesian Excel expects, NIP kept as text)."""
    return write_csv(SIASN_COLUMNS, (course.row() for course in courses), delimiter)


def siasn_xlsx(courses: Iterable[SiasnCourse]) -> bytes:
    """SIASN rows as an XLSX workbook with the NIP, number and dates as text cells."""
    return write_xlsx(SIASN_COLUMNS, (course.row() for course in courses), sheet_title="Riwayat Kursus")
