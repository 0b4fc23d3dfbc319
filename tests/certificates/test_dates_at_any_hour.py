"""Dates are Semarang's (WIB) at any hour: with the clock frozen at the edges of a day and of a year,
every page, CSV, XLSX, SIASN export and PDF dates a completion, and counts its JP, as the office does.

31 December 2026 17:30 UTC is 1 January 2027 00:30 WIB; 16:59 UTC is still 31 December 2026 23:59 WIB;
4 December 2026 23:30 UTC is 5 December 2026 06:30 WIB (the morning the suite first failed).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.certificates.factories import certificate_of, complete, make_asn, make_module, make_opd
from tests.conftest import Browser

EVE_2359_WIB = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)
NEW_YEAR_0030_WIB = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
MORNING_0630_WIB = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)


def frozen(moment: datetime):
    """The clock stopped at `moment` for everything in the process: completions, 'today', the pages."""
    return time_machine.travel(moment, tick=False)


def logged_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user.nip).status_code == 302
    return browser


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(response).lstrip("\ufeff")), delimiter=";"))


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)


@pytest.mark.parametrize(
    ("moment", "dmy", "long", "year"),
    [
        (MORNING_0630_WIB, "05-12-2026", "5 Desember 2026", 2026),
        (EVE_2359_WIB, "31-12-2026", "31 Desember 2026", 2026),
        (NEW_YEAR_0030_WIB, "01-01-2027", "1 Januari 2027", 2027),
    ],
    ids=["06:30 WIB", "23:59 WIB on 31 Dec", "00:30 WIB on 1 Jan"],
)
def test_a_completion_is_dated_at_the_office_in_every_page_and_export(db, app, moment, dmy, long, year):
    """Completed and looked at in the same minute: the date and the JP year are WIB's everywhere."""
    with frozen(moment):
        opd = make_opd("Kecamatan Candisari")
        learner = make_asn(opd, name="Dewi Lestari")
        certificate = certificate_of(complete(learner, make_module(title="Etika Digital", jp=8), days=0))
        assert (certificate.completed_on.strftime("%d-%m-%Y"), certificate.year) == (dmy, year)
        assert certificate.number == f"LMS/{year}/000001"

        hr = make_asn(opd, roles=("hr",), name="Petugas HR")
        browser = logged_in(app, hr)

        # The person page: the date, and the JP counted in this year (the year shown by default).
        page = text(browser.get(f"/hr/asn/{learner.id}"))
        assert f"JP tahun {year}: 8 dari target 20" in page
        assert f"Selesai pada tahun {year}" in page and long in page

        # Its CSV and XLSX (completed this year), dated like the page.
        rows = csv_rows(browser.get(f"/hr/asn/{learner.id}?format=csv&tabel=selesai"))
        assert rows[1][1:4] == ["Etika Digital", f'="{dmy}"', "8"]
        assert xlsx_rows(browser.get(f"/hr/asn/{learner.id}?format=xlsx&tabel=selesai"))[1][1:4] == (
            "Etika Digital",
            dmy,
            8,
        )

        # The certificate search export: completed and issued on the office's date.
        header, *found = csv_rows(browser.get("/hr/sertifikat?format=csv"))
        row = dict(zip(header, found[0], strict=True))
        assert (row["Tanggal selesai"], row["Tanggal terbit"]) == (f'="{dmy}"', f'="{dmy}"')
        header, *found = xlsx_rows(browser.get(f"/hr/sertifikat?format=xlsx&tahun={year}"))
        row = dict(zip(header, found[0], strict=True))
        assert (row["Tanggal selesai"], row["Tanggal terbit"]) == (dmy, dmy)

        # SIASN: exported by default for this year, with tanggalSelesaiKursus and tahunKursus of WIB.
        header, *found = csv_rows(browser.get("/hr/siasn?format=csv"))
        row = dict(zip(header, found[0], strict=True))
        assert (row["tanggalSelesaiKursus"], row["tahunKursus"]) == (f'="{dmy}"', str(year))
        header, *found = xlsx_rows(browser.get("/hr/siasn?format=xlsx"))
        row = dict(zip(header, found[0], strict=True))
        assert (row["tanggalSelesaiKursus"], row["tahunKursus"]) == (dmy, year)

        # The yearly JP recap and the certificate itself.
        recap = pdf_text(browser.get(f"/hr/asn/{learner.id}/rekap-jp-{year}.pdf"))
        assert f"REKAPITULASI JAM PELAJARAN TAHUN {year}" in recap
        assert f"{long} Etika Digital" in recap and f"Dicetak dari Lentera pada {long}" in recap
        assert f"Semarang, {long}" in pdf_text(browser.get(f"/sertifikat/{certificate.id}.pdf"))

        # The learner's own Beranda and Riwayat.
        mine = logged_in(app, learner)
        home = text(mine.get("/beranda"))
        assert f"JP tahun {year}" in home and "8 <span>dari target 20 JP</span>" in home and long in home
        history = text(mine.get("/riwayat"))
        assert f'{year} <span class="year-total">· 8 JP' in history and long in history


def test_either_side_of_new_year_midnight_counts_in_its_own_year(db, app):
    """23:59 WIB on 31 December and 00:30 WIB on 1 January: two years, in every count and export."""
    opd = make_opd("Kecamatan Candisari")
    learner = make_asn(opd, name="Dewi Lestari")
    with frozen(EVE_2359_WIB):
        old = certificate_of(complete(learner, make_module(title="Modul Akhir Tahun", jp=3), days=0))
    with frozen(NEW_YEAR_0030_WIB):
        new = certificate_of(complete(learner, make_module(title="Modul Tahun Baru", jp=5), days=0))
        assert (old.number, new.number) == ("LMS/2026/000001", "LMS/2027/000001")

        hr = make_asn(opd, roles=("hr",), name="Petugas HR")
        browser = logged_in(app, hr)

        for year, title, jp, dmy, other in (
            (2026, "Modul Akhir Tahun", 3, "31-12-2026", "Modul Tahun Baru"),
            (2027, "Modul Tahun Baru", 5, "01-01-2027", "Modul Akhir Tahun"),
        ):
            page = text(browser.get(f"/hr/asn/{learner.id}?tahun={year}"))
            done = page.split(f"Selesai pada tahun {year}")[1]
            assert f"JP tahun {year}: {jp} dari target 20" in page and title in done and other not in done

            rows = csv_rows(browser.get(f"/hr/asn/{learner.id}?format=csv&tabel=selesai&tahun={year}"))
            assert [r[1:4] for r in rows[1:]] == [[title, f'="{dmy}"', str(jp)]]
            rows = xlsx_rows(browser.get(f"/hr/asn/{learner.id}?format=xlsx&tabel=selesai&tahun={year}"))
            assert [r[1:4] for r in rows[1:]] == [(title, dmy, jp)]

            rows = csv_rows(browser.get(f"/hr/opd/{opd.id}?format=csv&tahun={year}"))
            assert [(r[1], r[3]) for r in rows[1:]] == [("Dewi Lestari", str(jp)), ("Petugas HR", "0")]

            header, *found = csv_rows(browser.get(f"/hr/sertifikat?format=csv&tahun={year}"))
            assert [dict(zip(header, r, strict=True))["Modul"] for r in found] == [title]

            header, *found = csv_rows(browser.get(f"/hr/siasn?format=csv&tahun={year}"))
            assert [(r[1], r[6], r[7]) for r in found] == [(title, f'="{dmy}"', str(year))]
            header, *found = xlsx_rows(browser.get(f"/hr/siasn?format=xlsx&tahun={year}"))
            assert [(r[1], r[6], r[7]) for r in found] == [(title, dmy, year)]

            recap = pdf_text(browser.get(f"/hr/asn/{learner.id}/rekap-jp-{year}.pdf"))
            assert title in recap and other not in recap and f"Jumlah: {jp} (" in recap

        mine = logged_in(app, learner)
        assert "JP tahun 2027" in text(mine.get("/beranda"))
        history = text(mine.get("/riwayat"))
        assert '2027 <span class="year-total">· 5 JP' in history and '2026 <span class="year-total">· 3 JP' in history


def test_the_last_minute_of_the_year_is_still_that_year_when_looked_at_then(db, app):
    """At 23:59 WIB on 31 December, 'this year' is 2026 (not 2027, as a zone added twice would say)."""
    with frozen(EVE_2359_WIB):
        opd = make_opd("Kecamatan Candisari")
        learner = make_asn(opd, name="Dewi Lestari")
        complete(learner, make_module(title="Modul Akhir Tahun", jp=3), days=0)
        hr = make_asn(opd, roles=("hr",), name="Petugas HR")
        browser = logged_in(app, hr)
        assert "JP tahun 2026: 3 dari target 20" in text(browser.get(f"/hr/asn/{learner.id}"))
        assert csv_rows(browser.get("/hr/opd?format=csv"))[1:] == [["Kecamatan Candisari", "2", "0", "3", "0"]]
        header, *found = csv_rows(browser.get("/hr/siasn?format=csv"))
        assert [(r[1], r[7]) for r in found] == [("Modul Akhir Tahun", "2026")]
