"""What counts toward JP, in every total: a certificate revoked as *tidak sah* takes its completion out of
Beranda, Riwayat, the HR person page, the OPD tables, the SIASN export and the recap PDF; revoked for a
data error and reissued, the completion counts once; the revoke form tells HR which category does what."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms import dates
from lms.accounts.models import AuditLog
from lms.certificates import services
from lms.certificates.models import JP_EFFECTS, REVOKE_CATEGORIES, VOIDS
from lms.errors import Conflict
from lms.extensions import db as _db
from lms.learning.models import Completion
from tests.certificates.factories import certificate_of, complete, make_asn, make_module, make_opd
from tests.conftest import Browser


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(response).lstrip("\ufeff")), delimiter=";"))


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)


def logged_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user.nip).status_code == 302
    return browser


def totals(app, learner, hr, opd) -> dict:
    """Every JP total Lentera reports for `learner` this year, as each page or file shows it."""
    year = dates.this_year()
    learner_browser, hr_browser = logged_in(app, learner), logged_in(app, hr)
    beranda = text(learner_browser.get("/beranda"))
    riwayat = text(learner_browser.get("/riwayat"))
    person = text(hr_browser.get(f"/hr/asn/{learner.id}"))
    people = text(hr_browser.get(f"/hr/asn?q={learner.nip}"))
    opd_rows = csv_rows(hr_browser.get(f"/hr/opd/{opd.id}?format=csv"))
    overview = csv_rows(hr_browser.get("/hr/opd?format=csv"))
    siasn = csv_rows(hr_browser.get(f"/hr/siasn?format=csv&tahun={year}"))
    recap = pdf_text(hr_browser.get(f"/hr/asn/{learner.id}/rekap-jp-{year}.pdf"))
    return {
        "beranda": beranda,
        "riwayat": riwayat,
        "person": person,
        "people": people,
        "opd": {row[1]: row[3] for row in opd_rows[1:]},
        "overview": {row[0]: row[3] for row in overview[1:]},
        "siasn": [row[1] for row in siasn[1:]],
        "recap": recap,
        "year": year,
    }


@pytest.fixture
def scene(db):
    opd = make_opd("Kecamatan Gayamsari")
    learner = make_asn(opd, name="Dewi Lestari")
    hr = make_asn(opd, roles=("hr",), name="Petugas HR")
    cheated = certificate_of(complete(learner, make_module(title="Etika Digital", jp=8)))
    honest = certificate_of(complete(learner, make_module(title="Keamanan Siber", jp=3)))
    return opd, learner, hr, cheated, honest


def test_a_certificate_revoked_as_invalid_leaves_every_jp_total(app, scene):
    opd, learner, hr, cheated, honest = scene
    before = totals(app, learner, hr, opd)
    year = before["year"]
    assert 'class="big-number">11 <span>' in before["beranda"]
    assert "Tahun ini: 11 dari target 20 JP." in before["riwayat"]
    assert f"JP tahun {year}: 11 dari target 20." in before["person"]
    assert before["opd"]["Dewi Lestari"] == "11" and before["overview"]["Kecamatan Gayamsari"] == "11"
    assert sorted(before["siasn"]) == ["Etika Digital", "Keamanan Siber"]
    assert "Etika Digital" in before["recap"] and "Jumlah: 11 (sebelas)" in before["recap"]

    hr_browser = logged_in(app, hr)
    response = hr_browser.post_form(
        f"/hr/sertifikat/{cheated.id}",
        {"category": "tidak_sah", "reason": "Dikerjakan oleh orang lain (laporan atasan)."},
        action=f"/hr/sertifikat/{cheated.id}/cabut",
    )
    assert response.status_code == 302

    after = totals(app, learner, hr, opd)
    assert 'class="big-number">3 <span>' in after["beranda"]
    assert "Tahun ini: 3 dari target 20 JP." in after["riwayat"]
    assert f'{year} <span class="year-total">· 3 JP</span>' in after["riwayat"]
    assert "Tidak dihitung: penyelesaian dinyatakan tidak sah" in after["riwayat"]
    assert f"JP tahun {year}: 3 dari target 20." in after["person"]
    assert ">3<" in after["people"].split("Dewi Lestari", 1)[1]
    assert after["opd"]["Dewi Lestari"] == "3" and after["overview"]["Kecamatan Gayamsari"] == "3"
    assert after["siasn"] == ["Keamanan Siber"]
    assert "Etika Digital" not in after["recap"] and "Jumlah: 3 (tiga)" in after["recap"]
    assert honest.number in after["recap"]

    # The record stays, marked: the completion is voided, not deleted; the audit log says so.
    _db.session.expire_all()
    completion = _db.session.get(Completion, cheated.completion_id)
    assert completion.voided_at is not None and completion.jp_exclusion == "void" and completion.jp == 8
    entry = _db.session.scalar(select(AuditLog).where(AuditLog.action == "certificate.revoke"))
    assert entry.details["completion_voided"] is True and "JP-nya tidak dihitung" in entry.summary


def test_revoked_for_a_data_error_and_reissued_it_counts_once(app, scene):
    opd, learner, hr, cheated, _honest = scene
    services.revoke_certificate(cheated, actor=None, category="data_salah", reason="Nama salah ketik.")
    _db.session.commit()
    still = totals(app, learner, hr, opd)
    assert f"JP tahun {still['year']}: 11 dari target 20." in still["person"]  # revoked, not reissued: still earned

    new = services.reissue_certificate(cheated, actor=None, reason="Nama diperbaiki.")
    _db.session.commit()
    after = totals(app, learner, hr, opd)
    assert 'class="big-number">11 <span>' in after["beranda"]
    assert f"JP tahun {after['year']}: 11 dari target 20." in after["person"]
    assert after["opd"]["Dewi Lestari"] == "11"
    assert sorted(after["siasn"]) == ["Etika Digital", "Keamanan Siber"]  # once, with the new number
    assert new.number in after["recap"] and cheated.number not in after["recap"]
    assert "Jumlah: 11 (sebelas)" in after["recap"]


def test_reissue_then_revoke_the_replacement_as_invalid_voids_the_one_completion(app, scene):
    opd, learner, hr, cheated, _honest = scene
    new = services.reissue_certificate(cheated, actor=None, reason="Nama diperbaiki.")
    services.revoke_certificate(new, actor=None, category="tidak_sah", reason="Identitas orang lain.")
    _db.session.commit()
    after = totals(app, learner, hr, opd)
    assert f"JP tahun {after['year']}: 3 dari target 20." in after["person"]
    assert after["siasn"] == ["Keamanan Siber"]


def test_a_voided_completion_cannot_get_a_reissued_certificate(app, scene):
    _opd, _learner, hr, cheated, _honest = scene
    services.revoke_certificate(cheated, actor=None, category="tidak_sah", reason="Kecurangan.")
    _db.session.commit()
    with pytest.raises(Conflict, match="tidak sah"):
        services.reissue_certificate(cheated, actor=None, reason="Coba terbitkan lagi.")
    page = text(logged_in(app, hr).get(f"/hr/sertifikat/{cheated.id}"))
    assert "Terbitkan ulang</h2>" not in page
    assert "Tidak dihitung: penyelesaian dinyatakan tidak sah" in page


@pytest.mark.parametrize("category", [c for c in REVOKE_CATEGORIES if JP_EFFECTS[c] != VOIDS])
def test_other_categories_keep_the_jp(app, scene, category):
    opd, learner, hr, cheated, _honest = scene
    services.revoke_certificate(cheated, actor=None, category=category, reason="Alasan uji.")
    _db.session.commit()
    after = totals(app, learner, hr, opd)
    assert f"JP tahun {after['year']}: 11 dari target 20." in after["person"]


def test_every_category_has_a_jp_effect_and_only_tidak_sah_voids():
    assert set(JP_EFFECTS) == set(REVOKE_CATEGORIES)
    assert [c for c, effect in JP_EFFECTS.items() if effect == VOIDS] == ["tidak_sah"]


def test_the_revoke_form_shows_what_each_category_does_to_jp(app, scene):
    _opd, _learner, hr, cheated, _honest = scene
    page = text(logged_in(app, hr).get(f"/hr/sertifikat/{cheated.id}"))
    form = page.split("Cabut sertifikat</h2>", 1)[1]
    assert "Akibat pencabutan pada JP peserta" in form
    assert "Penyelesaian tidak sah</td><td>JP dibatalkan" in form
    assert "Data peserta salah</td><td>JP tetap dihitung (sekali)" in form
