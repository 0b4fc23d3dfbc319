"""In Chromium: a learner submits a training done outside Lentera with its certificate PDF, HR of her OPD
approves it from the queue, and her Beranda JP total grows by its JP, shown as external."""

from __future__ import annotations

import pytest

from lms import dates
from tests.browser.conftest import log_in, visit
from tests.certificates.factories import complete, make_asn, make_module, make_opd
from tests.external.factories import pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(app, tmp_path):
    with app.app_context():
        opd = make_opd("Kecamatan Banyumanik")
        learner = make_asn(opd, name="Dewi Kartika Sari")
        hr = make_asn(opd, roles=("hr",), name="Kepegawaian Kecamatan")
        from lms.accounts.models import HrScope
        from lms.extensions import db

        db.session.add(HrScope(user_id=hr.id, opd_id=opd.id))
        db.session.commit()
        complete(learner, make_module(title="Etika Digital", jp=4), days=0)
        certificate = tmp_path / "sertifikat-webinar.pdf"
        certificate.write_bytes(pdf_bytes("Sertifikat Webinar Keterbukaan Informasi"))
        return {"learner": learner.nip, "hr": hr.nip, "pdf": str(certificate), "today": dates.today().isoformat()}


def test_a_learner_submits_hr_approves_and_her_beranda_total_grows(live_server, new_page, scene):
    base = live_server
    learner = new_page("phone")
    log_in(learner, base, scene["learner"])
    assert learner.locator(".big-number").first.inner_text().startswith("4")

    learner.get_by_role("link", name="Pelatihan di luar Lentera").click()
    learner.wait_for_load_state()
    visit(learner, "phone", "external-learner-empty")
    learner.get_by_label("Nama pelatihan").fill("Webinar Keterbukaan Informasi Publik")
    learner.get_by_label("Penyelenggara").fill("Komisi Informasi Provinsi Jawa Tengah")
    learner.get_by_label("Jenis").select_option("seminar")
    learner.get_by_label("Tanggal mulai").fill(scene["today"])
    learner.get_by_label("Tanggal selesai").fill(scene["today"])
    learner.get_by_label("Jumlah JP").fill("6")
    learner.get_by_label("Sertifikat (PDF)").set_input_files(scene["pdf"])
    learner.get_by_role("button", name="Kirim pengajuan").click()
    learner.wait_for_load_state()
    assert "Pengajuan terkirim" in learner.content()
    assert learner.get_by_text("Menunggu", exact=True).is_visible()
    visit(learner, "phone", "external-learner-pending")

    hr = new_page("phone")
    log_in(hr, base, scene["hr"])
    hr.goto(f"{base}/hr/pelatihan-luar")
    assert "menunggu persetujuan: 1" in hr.content()
    visit(hr, "phone", "external-hr-queue")
    hr.get_by_role("link", name="Webinar Keterbukaan Informasi Publik").click()
    hr.wait_for_load_state()
    visit(hr, "phone", "external-hr-detail")
    with hr.expect_download() as download:
        hr.get_by_role("link", name="Unduh sertifikat (PDF)").click()
    assert download.value.suggested_filename == "sertifikat-webinar.pdf"
    hr.get_by_role("button", name="Setujui pelatihan").click()
    hr.wait_for_load_state()
    assert "Pelatihan disetujui" in hr.content()

    learner.goto(f"{base}/beranda")
    assert learner.locator(".big-number").first.inner_text().startswith("10")
    assert "dari pelatihan di luar Lentera (eksternal) 6 JP" in learner.content()
    visit(learner, "phone", "external-beranda-total")
    learner.goto(f"{base}/riwayat/pelatihan-luar")
    assert learner.get_by_text("Disetujui", exact=True).is_visible()
