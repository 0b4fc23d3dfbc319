"""External JP counts in every total, labelled as external: Beranda, Riwayat, the HR person page, the OPD
tables and their exports, the JP recap PDF, her personal-data file; and the SIASN export only when asked."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from pypdf import PdfReader

from lms import dates
from lms.external.models import PENDING, REJECTED
from tests.certificates.factories import complete, make_module
from tests.external.factories import make_training


def text(response) -> str:
    return response.get_data(as_text=True)


def this_year_training(user, jp: int, **fields):
    """A record ending today (WIB): it always falls in this year."""
    return make_training(user, jp=jp, end_on=dates.today(), start_on=dates.today(), **fields)


def test_beranda_shows_lentera_and_external_apart_and_the_sum_against_the_target(world):
    complete(world.learner, make_module(jp=4), days=0)
    browser = world.clients["learner"]
    before = text(browser.get("/beranda"))
    assert '<p class="big-number">4 <span>dari target 20 JP' in before
    this_year_training(world.learner, 9, name="Webinar Disetujui")
    this_year_training(world.learner, 30, status=PENDING, name="Masih Menunggu")
    this_year_training(world.learner, 30, status=REJECTED, name="Ditolak")
    make_training(world.learner, jp=50, end_on=dates.today().replace(month=1, day=1) - timedelta(days=1))
    page = text(browser.get("/beranda"))
    assert '<p class="big-number">13 <span>dari target 20 JP' in page
    assert "Dari modul Lentera 4 JP · dari pelatihan di luar Lentera (eksternal) 9 JP." in page
    assert "Kurang 7 JP lagi" in page


def test_riwayat_labels_external_training_and_counts_it(world):
    this_year_training(world.learner, 9, name="Bimtek Arsip Digital")
    this_year_training(world.learner, 9, status=PENDING, name="Belum Disetujui")
    page = text(world.clients["learner"].get("/riwayat"))
    assert "Tahun ini: 9 dari target 20 JP." in page
    assert "Bimtek Arsip Digital" in page and "Eksternal" in page
    assert "Belum Disetujui" not in page


def test_the_hr_person_page_counts_and_lists_external_training(world):
    complete(world.learner, make_module(jp=4), days=0)
    this_year_training(world.learner, 16, name="Diklat PIM")
    page = text(world.clients["hr_opd"].get(f"/hr/asn/{world.learner.id}"))
    assert "JP tahun " in page and ": 20 dari target 20." in page
    assert "dari pelatihan di luar Lentera (eksternal) 16 JP" in page
    assert "Diklat PIM" in page


def test_the_opd_tables_and_exports_count_external_jp(world):
    complete(world.learner, make_module(jp=4), days=0)
    this_year_training(world.learner, 16)
    this_year_training(world.outsider, 25)
    browser = world.clients["hr_city"]
    year = dates.this_year()
    rows = list(csv.reader(io.StringIO(text(browser.get(f"/hr/opd?tahun={year}&format=csv"))[1:]), delimiter=";"))
    assert rows[0] == ["Perangkat Daerah", "Jumlah ASN", "Mencapai target", "Jumlah JP", "JP eksternal"]
    by_name = {r[0]: r[1:] for r in rows[1:]}
    # the OPD's HR officer is an ASN of it too: two people, one reached the target
    assert by_name["Dinas Komunikasi, Informatika, Statistik dan Persandian"] == ["2", "1", "20", "16"]
    assert by_name["Dinas Kesehatan"] == ["1", "1", "25", "25"]
    opd_page = text(browser.get(f"/hr/opd/{world.opd.id}?tahun={year}"))
    assert "1 dari 2 ASN telah mencapai target JP." in opd_page
    rows = list(
        csv.reader(io.StringIO(text(browser.get(f"/hr/opd/{world.opd.id}?tahun={year}&format=csv"))[1:]), delimiter=";")
    )
    assert rows[0][-1] == "JP eksternal"
    siti = next(r for r in rows if r[1] == "Siti Aminah")
    assert siti[3:] == ["20", "20", "ya", "16"]
    people = text(browser.get(f"/hr/asn?q={world.learner.nip}&tahun={year}"))
    assert "<td>20</td>" in people


def test_the_jp_recap_pdf_lists_external_lines_labelled_eksternal(world):
    complete(world.learner, make_module(jp=4, title="Literasi Digital bagi ASN"), days=0)
    this_year_training(world.learner, 16, name="Diklat Pengawas", organiser="BPSDM Jawa Tengah")
    this_year_training(world.learner, 30, status=PENDING, name="Belum Disetujui")
    year = dates.this_year()
    response = world.clients["hr_opd"].get(f"/hr/asn/{world.learner.id}/rekap-jp-{year}.pdf")
    assert response.status_code == 200
    content = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Literasi Digital bagi ASN" in content
    assert "Eksternal: Diklat Pengawas (BPSDM Jawa Tengah)" in content
    assert "Belum Disetujui" not in content
    assert "20 (dua puluh)" in content or "Jumlah: 20" in content
    assert "eksternal) 16 JP" in content
    assert "tercapai" in content and "belum tercapai" not in content


def test_her_personal_data_file_holds_her_external_training(world):
    this_year_training(world.learner, 9, name="Webinar PDP", status=PENDING)
    data = json.loads(world.clients["learner"].get("/akun/data-saya.json").data)
    assert [t["nama"] for t in data["pelatihan_luar"]] == ["Webinar PDP"]
    assert data["pelatihan_luar"][0]["status"] == "pending"


def test_siasn_export_leaves_external_out_unless_asked(world):
    this_year_training(world.learner, 16, name="Diklat Teknis Arsip", organiser="ANRI", certificate_number="ANRI-7")
    browser = world.clients["hr_city"]
    year = dates.this_year()
    default = text(browser.get(f"/hr/siasn?tahun={year}&format=csv"))
    assert "Diklat Teknis Arsip" not in default
    page = text(browser.get(f"/hr/siasn?tahun={year}"))
    assert 'name="eksternal"' in page and "checked" not in page.split('name="eksternal"')[1][:40]
    asked = text(browser.get(f"/hr/siasn?tahun={year}&eksternal=1&format=csv"))
    rows = list(csv.reader(io.StringIO(asked[1:]), delimiter=";"))
    assert rows[1][1:4] == ["Diklat Teknis Arsip", "ANRI", "16"]
    shown = text(browser.get(f"/hr/siasn?tahun={year}&eksternal=1"))
    assert "Diklat Teknis Arsip" in shown and "eksternal=1" in shown
    # an OPD-scoped HR of another OPD never gets it
    outside = text(world.clients["hr_opd"].get(f"/hr/siasn?tahun={year}&eksternal=1&format=csv"))
    assert "Diklat Teknis Arsip" in outside  # the learner is of hr_opd's OPD
    world_outsider = this_year_training(world.outsider, 5, name="Pelatihan Dinkes")
    assert world_outsider.id
    scoped = text(world.clients["hr_opd"].get(f"/hr/siasn?tahun={year}&eksternal=1&format=csv"))
    assert "Pelatihan Dinkes" not in scoped
