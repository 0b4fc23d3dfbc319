"""The learner sees what became of her certificate: a revoked one shows "Dicabut" with its date (WIB) and
category in Riwayat, on the module page and in the Beranda, offers no download, and its own page explains
the revocation (410 Gone) instead of a "Halaman tidak ditemukan" frame."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lms.certificates import services
from lms.certificates.models import Certificate
from lms.learning.models import Completion
from tests.certificates.factories import complete, issued, make_module, make_opd

# 31 December 2030, 17:30 UTC is already 1 January 2031, 00:30 in Semarang (WIB, UTC+7); after any
# completion the test makes, whatever the day it runs.
REVOKED_AT = datetime(2030, 12, 31, 17, 30, tzinfo=UTC)
REVOKED_ON_WIB = "1 Januari 2031"
PAGES = ("/riwayat", "/beranda", "/modul/{slug}")


def text(response) -> str:
    return response.get_data(as_text=True)


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)


def revoked_certificate(db, user, category: str = "data_salah"):
    certificate = issued(user, make_module("etika-digital", title="Etika Digital"))
    services.revoke_certificate(certificate, actor=None, category=category, reason="catatan internal HR")
    certificate.revoked_at = REVOKED_AT
    db.session.commit()
    return certificate


def test_a_revoked_certificate_shows_its_status_date_and_category_and_no_download(db, login_as):
    browser, user = login_as("peserta", opd=make_opd())
    certificate = revoked_certificate(db, user)
    for url in PAGES:
        page = text(browser.get(url.format(slug=certificate.module_slug)))
        words = visible(page)
        assert 'class="badge badge-fail">Dicabut</span>' in page, url
        assert f"Sertifikat dicabut pada {REVOKED_ON_WIB} · Data peserta salah." in words, url
        assert "sertifikat.pdf" not in page and "Unduh sertifikat" not in words, url
        assert "catatan internal HR" not in page, url  # the free text stays with HR


def test_a_valid_certificate_is_offered_for_download_on_every_page(db, login_as):
    browser, user = login_as("peserta", opd=make_opd())
    certificate = issued(user, make_module("etika-digital", title="Etika Digital"))
    link = f'href="/modul/{certificate.module_slug}/sertifikat.pdf">Unduh sertifikat (PDF)</a>'
    for url in PAGES:
        page = text(browser.get(url.format(slug=certificate.module_slug)))
        assert link in page, url
        assert "Dicabut" not in page and "Belum terbit" not in page, url


def test_the_revoked_certificates_own_page_explains_it_with_410_gone(db, login_as):
    browser, user = login_as("peserta", opd=make_opd())
    certificate = revoked_certificate(db, user, category="tidak_sah")
    for url in (f"/modul/{certificate.module_slug}/sertifikat.pdf", f"/sertifikat/{certificate.id}.pdf"):
        response = browser.get(url)
        page = text(response)
        assert response.status_code == 410, url
        assert response.mimetype == "text/html", url
        assert "404" not in title_of(page) and "tidak ditemukan" not in page, url
        assert "<h1" in page and "Sertifikat ini telah dicabut" in page, url
        words = visible(page)
        assert f"Tanggal dicabut {REVOKED_ON_WIB}" in words and "Alasan Penyelesaian tidak sah" in words, url
        assert certificate.number in words and "Etika Digital" in words, url
        assert "catatan internal HR" not in page, url
        assert 'href="/riwayat"' in page, url


def test_a_reissued_certificates_old_page_points_to_its_replacement(db, login_as):
    browser, user = login_as("peserta", opd=make_opd())
    old = issued(user, make_module("etika-digital", title="Etika Digital"))
    new = services.reissue_certificate(old, actor=None, reason="Nama diperbaiki")
    db.session.commit()
    response = browser.get(f"/sertifikat/{old.id}.pdf")
    assert response.status_code == 410
    page = text(response)
    assert f"diganti dengan sertifikat bernomor {new.number}" in page
    assert 'href="/modul/etika-digital/sertifikat.pdf">Unduh sertifikat pengganti (PDF)</a>' in page
    assert browser.get("/modul/etika-digital/sertifikat.pdf").data == services.pdf_bytes(new)


def test_a_completion_without_a_certificate_says_it_is_not_issued_yet(db, login_as):
    # Her name in Javanese script: the certificate fonts cannot print it, so the certificate waits.
    browser, user = login_as("peserta", opd=make_opd(), name="Siti \ua9b1\ua9b6\ua9a0\ua9b6")
    complete(user, make_module("etika-digital", title="Etika Digital"))
    assert db.session.query(Completion).count() == 1 and db.session.query(Certificate).count() == 0
    for url in PAGES:
        page = text(browser.get(url.format(slug="etika-digital")))
        assert "Belum terbit</span> Sertifikat belum terbit." in page, url
        assert "sertifikat.pdf" not in page, url
    response = browser.get("/modul/etika-digital/sertifikat.pdf")
    assert response.status_code == 404
    page = text(response)
    assert "Sertifikat belum terbit" in title_of(page) and "tidak ditemukan" not in page
    assert "hubungi admin atau bagian kepegawaian" in page.lower()


def test_a_module_she_did_not_complete_has_no_certificate_page(db, login_as):
    browser, _user = login_as("peserta", opd=make_opd())
    make_module("etika-digital", title="Etika Digital")
    for slug in ("etika-digital", "tidak-ada"):
        response = browser.get(f"/modul/{slug}/sertifikat.pdf")
        assert response.status_code == 404
        assert "Anda belum menyelesaikan modul ini" in text(response)
