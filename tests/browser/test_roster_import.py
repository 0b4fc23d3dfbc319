"""The roster import as an HR officer of one OPD does it on a phone: preview with changes, confirm, codes."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import text

from lms.accounts import services
from lms.extensions import db as _db
from tests.browser.conftest import PHONE_WIDTH, log_in, page_problems, screenshot
from tests.conftest import create_user, make_nip

LONG_OPD = "Dinas Pekerjaan Umum, Penataan Ruang, Perumahan dan Kawasan Permukiman Kota Semarang"


def test_an_opd_hr_previews_and_applies_a_full_roster_on_a_phone(app, live_server, new_page, tmp_path):
    with app.app_context():
        opd = services.get_or_create_opd(LONG_OPD, "DPU")
        _db.session.commit()
        hr = create_user(roles=("hr",), opd=opd)
        _db.session.execute(text("INSERT INTO hr_scopes (user_id, opd_id) VALUES (:u, :o)"), {"u": hr.id, "o": opd.id})
        _db.session.commit()
        moved = create_user(name="Raden Ajeng Kusumaningrum", opd=opd, jabatan="Pengadministrasi Umum")
        gone = create_user(name="Sutrisno Wibowo", opd=opd)
        moved_nip, gone_nip, hr_nip = moved.nip, gone.nip, hr.nip
    rows = [
        "nip;nama;email;opd;unit_kerja;jabatan;pangkat_golongan",
        f"{moved_nip};Raden Ajeng Kusumaningrum Prawirodirjo, S.Sos., M.Si.;rak@semarangkota.go.id;DPU;"
        "Bidang Penataan Ruang;Analis Tata Ruang Ahli Muda;Penata Tingkat I (III/d)",
        f"{make_nip(7, gender='2')};Dewi Lestari;;;;Pranata Komputer;",
    ]
    upload = tmp_path / "roster.csv"
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")

    page = new_page("phone")
    log_in(page, live_server, hr_nip)
    page.get_by_role("link", name="Impor pegawai").first.click()
    page.get_by_label("Berkas CSV").set_input_files(str(upload))
    page.get_by_label("Roster lengkap", exact=False).check()
    page.get_by_role("button", name="Periksa berkas").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Pratinjau: 1 akun baru, 1 diperbarui, 1 dinonaktifkan")).to_be_visible()
    expect(page.get_by_text("jabatan: Pengadministrasi Umum → Analis Tata Ruang Ahli Muda")).to_be_visible()
    expect(page.get_by_text(gone_nip)).to_be_visible()
    screenshot(page, "phone", "roster-preview")
    assert page_problems(page, PHONE_WIDTH) == []

    page.get_by_role("button", name="Terapkan: 1 baru, 1 diperbarui, 1 dinonaktifkan").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Impor selesai")).to_be_visible()
    screenshot(page, "phone", "roster-done")
    assert page_problems(page, PHONE_WIDTH) == []
