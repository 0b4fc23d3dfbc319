"""In Chromium: HR revokes a certificate as *Penyelesaian tidak sah*, seeing on the form what each category
does to JP, and the completion drops out of the learner's JP total (Beranda, Riwayat) and HR's person page."""

from __future__ import annotations

import re

import pytest

from lms import dates
from tests.browser.conftest import visit
from tests.browser.test_learner_path import log_in
from tests.certificates.factories import certificate_of, complete, make_asn, make_module, make_opd

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(app):
    with app.app_context():
        opd = make_opd("Kecamatan Tembalang")
        learner = make_asn(opd, name="Sri Rahayu Wulandari")
        hr = make_asn(opd, roles=("hr",), name="Petugas Kepegawaian")
        cheated = certificate_of(complete(learner, make_module(title="Etika Digital", jp=8)))
        complete(learner, make_module(title="Keamanan Siber", jp=3))
        return {
            "learner": learner.nip,
            "learner_id": learner.id,
            "hr": hr.nip,
            "certificate_id": cheated.id,
            "year": dates.this_year(),
        }


def test_a_certificate_revoked_as_invalid_drops_out_of_the_jp_total(live_server, new_page, scene):
    base = live_server
    learner = new_page("phone")
    log_in(learner, base, scene["learner"])
    assert learner.locator(".big-number").first.inner_text().startswith("11")

    hr = new_page("desktop")
    log_in(hr, base, scene["hr"])
    hr.goto(f"{base}/hr/asn/{scene['learner_id']}")
    assert f"JP tahun {scene['year']}: 11 dari target 20." in hr.content()

    hr.goto(f"{base}/hr/sertifikat/{scene['certificate_id']}")
    effects = hr.get_by_role("table", name="Akibat pencabutan pada JP peserta")
    assert effects.get_by_role("row", name=re.compile("Penyelesaian tidak sah.*JP dibatalkan")).is_visible()
    visit(hr, "desktop", "hr-revoke-jp-effects")
    hr.get_by_label("Kategori alasan").select_option(label="Penyelesaian tidak sah")
    hr.get_by_label("Alasan pencabutan").fill("Kuis dikerjakan oleh orang lain (laporan atasan langsung).")
    hr.get_by_role("button", name="Cabut sertifikat").click()
    hr.wait_for_load_state()
    assert "telah dicabut" in hr.content()
    assert hr.get_by_text("Tidak dihitung: penyelesaian dinyatakan tidak sah").is_visible()

    hr.goto(f"{base}/hr/asn/{scene['learner_id']}")
    assert f"JP tahun {scene['year']}: 3 dari target 20." in hr.content()

    learner.reload()
    assert learner.locator(".big-number").first.inner_text().startswith("3")
    learner.goto(f"{base}/riwayat")
    assert learner.get_by_text("Tidak dihitung: penyelesaian dinyatakan tidak sah").is_visible()
    assert "Tahun ini: 3 dari target 20 JP." in learner.content()
    visit(learner, "phone", "riwayat-jp-voided")
