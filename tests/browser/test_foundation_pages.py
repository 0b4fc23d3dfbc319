"""The foundation's pages in Chromium: login, privacy, account and the admin desk at phone and desktop
sizes — nothing wider than the screen, no serious axe-core violation, and the CSV import flow by hand."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from lms.accounts.models import Opd
from lms.extensions import db as _db
from tests.browser.conftest import visit
from tests.conftest import TEST_PASSWORD, create_user, make_nip

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_nip(app):
    with app.app_context():
        _db.session.add(Opd(name="Dinas Uji"))  # the import names OPDs that exist (it creates none)
        _db.session.commit()
        return create_user(roles=("admin", "peserta"), name="Admin Diskominfo").nip


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_public_pages(live_server, new_page, viewport):
    page = new_page(viewport)
    for path, name in [("/", "welcome"), ("/login", "login"), ("/kebijakan-privasi", "privasi")]:
        page.goto(live_server + path)
        visit(page, viewport, name)
    page.goto(live_server + "/tidak-ada")
    expect(page.get_by_role("heading", name="Halaman tidak ditemukan")).to_be_visible()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_admin_desk_and_csv_import(live_server, new_page, admin_nip, tmp_path, viewport):
    page = new_page(viewport)
    page.goto(live_server + "/login")
    page.get_by_label("NIP").fill(admin_nip)
    page.get_by_label("Kata sandi atau kode aktivasi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(live_server + "/beranda")

    for path, name in [
        ("/akun", "akun"),
        ("/akun/kata-sandi", "ganti-sandi"),
        ("/admin/pengguna", "admin-pengguna"),
        ("/admin/pengguna/baru", "admin-pengguna-baru"),
        ("/admin/opd", "admin-opd"),
        ("/admin/audit", "admin-audit"),
        ("/pelatih/modul", "pelatih-modul"),
    ]:
        page.goto(live_server + path)
        visit(page, viewport, name)

    good = [make_nip() for _ in range(3)]
    rows = ["nip;nama;email;opd;jabatan;peran"] + [
        f"{nip};Peserta {i};;Dinas Uji;Pelaksana;peserta" for i, nip in enumerate(good)
    ]
    rows.append("12345;Salah Satu;;Dinas Uji;Pelaksana;peserta")
    bad_file = tmp_path / "asn.csv"
    bad_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.goto(live_server + "/admin/impor")
    page.get_by_label("Berkas CSV").set_input_files(str(bad_file))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("1 masalah ditemukan — belum ada yang disimpan")).to_be_visible()
    expect(page.get_by_role("cell", name="NIP harus 18 digit; yang Anda isi 5 digit.")).to_be_visible()
    visit(page, viewport, "admin-impor-salah")

    bad_file.write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")
    page.get_by_label("Berkas CSV").set_input_files(str(bad_file))
    page.get_by_role("button", name="Periksa berkas").click()
    page.get_by_role("button", name="Terapkan: 3 baru, 0 diperbarui, 0 dinonaktifkan").click()
    expect(page.get_by_role("heading", name="Impor selesai")).to_be_visible()
    expect(page.get_by_text("3 akun diimpor")).to_be_visible()
    visit(page, viewport, "admin-impor-selesai")
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh kode aktivasi (CSV)").click()
    lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "nip,nama,kode_aktivasi,berlaku_sampai"
    # The NIP column holds each NIP as Excel text (="…", so Excel keeps all 18 digits).
    nips = [row[0] for row in csv.reader(lines[1:])]
    assert sorted(nips) == sorted(f'="{nip}"' for nip in good)
    # The same codes as a sheet of slips to print (the button posts the same form elsewhere).
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh lembar kode untuk dicetak (PDF)").click()
    assert download.value.suggested_filename == "kode-aktivasi.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF-")
