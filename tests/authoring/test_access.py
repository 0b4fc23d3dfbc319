"""Who may open each authoring page: peserta and HR never, a trainer only her own modules, anonymous → login."""

from __future__ import annotations

import pytest

from tests.authoring.conftest import post
from tests.authoring.helpers import module_files
from tests.authoring.test_authoring import SLUG, publish_as, submit, upload
from tests.conftest import Browser

GET_OWN = (
    f"/pelatih/modul/{SLUG}/naskah",
    f"/pelatih/modul/{SLUG}/sunting/module.md",
    f"/pelatih/modul/{SLUG}/ganti-nama/module.md",
    f"/pelatih/modul/{SLUG}/tinjau",
    f"/pelatih/modul/{SLUG}/riwayat",
    f"/pelatih/modul/{SLUG}/versi/1/modul.zip",
    f"/pelatih/modul/{SLUG}/naskah.zip",
    f"/pelatih/modul/{SLUG}/pratinjau",
    f"/pelatih/modul/{SLUG}/pratinjau/pengantar",
    f"/pelatih/modul/{SLUG}/pratinjau/kuis",
)
POST_OWN = (
    f"/pelatih/modul/{SLUG}/sunting/module.md",
    f"/pelatih/modul/{SLUG}/berkas",
    f"/pelatih/modul/{SLUG}/ganti-nama/module.md",
    f"/pelatih/modul/{SLUG}/hapus/module.md",
    f"/pelatih/modul/{SLUG}/ajukan",
    f"/pelatih/modul/{SLUG}/terbitkan",
    f"/pelatih/modul/{SLUG}/versi/1/pulihkan",
    f"/pelatih/modul/{SLUG}/naskah/hapus",
    f"/pelatih/modul/{SLUG}/pratinjau/kuis",
)
GENERAL = ("/pelatih/modul/naskah", "/pelatih/modul/baru", "/pelatih/modul/unggah", "/pelatih/panduan")
REVIEWER_ONLY_POST = (f"/pelatih/modul/{SLUG}/kembalikan",)
ADMIN_ONLY_POST = (f"/pelatih/modul/{SLUG}/pemilik",)


@pytest.fixture
def published(db, trainer, kurator):
    """A module published (version 1) with a draft on top, owned by `trainer`."""
    browser, _ = trainer
    upload(browser, module_files())
    submit(browser)
    publish_as(kurator[0])
    upload(browser, module_files(first="Draf kedua."))
    return trainer


def _csrf_client(app, login_as, role):
    if role == "anonymous":
        return Browser(app.test_client())
    return login_as(role)[0]


@pytest.mark.parametrize("role", ["anonymous", "peserta", "hr"])
def test_learners_hr_and_visitors_open_no_authoring_page(app, login_as, published, role):
    browser = _csrf_client(app, login_as, role)
    token_page = "/login" if role == "anonymous" else "/akun"
    for url in (*GET_OWN, *GENERAL):
        response = browser.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        else:
            assert response.status_code == 403, url
    for url in (*POST_OWN, *REVIEWER_ONLY_POST, *ADMIN_ONLY_POST, "/pelatih/modul/baru", "/pelatih/modul/unggah"):
        response = post(browser, token_page, url)
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        else:
            assert response.status_code == 403, url


def test_a_trainer_who_does_not_own_the_module_gets_403(db, login_as, published):
    other, _ = login_as("pelatih")
    for url in GET_OWN:
        assert other.get(url).status_code == 403, url
    for url in POST_OWN:
        assert post(other, "/akun", url).status_code == 403, url
    for url in (*REVIEWER_ONLY_POST, *ADMIN_ONLY_POST):
        assert post(other, "/akun", url).status_code == 403, url
    for url in GENERAL:
        assert other.get(url).status_code == 200, url


def test_the_owner_kurator_and_admin_open_every_page(db, login_as, published, kurator):
    admin, _ = login_as("admin")
    for browser in (published[0], kurator[0], admin):
        for url in (*GET_OWN, *GENERAL):
            assert browser.get(url).status_code == 200, url


def test_an_admin_can_grant_the_kurator_role(db, login_as):
    admin, _ = login_as("admin")
    page = admin.get("/admin/pengguna/baru").get_data(as_text=True)
    assert 'value="kurator"' in page
