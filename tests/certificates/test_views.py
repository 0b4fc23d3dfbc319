"""Pages: public verification, the learner's download, the HR desk and its scope, exports, ZIP."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from lms import dates
from lms.accounts import services as account_services
from lms.accounts.models import AuditLog
from lms.accounts.nip import mask_nip
from lms.certificates import services
from lms.certificates.models import REVOKED, Certificate
from lms.certificates.numbering import new_verification_code
from lms.extensions import db as _db
from lms.learning.models import Enrolment
from tests.certificates.factories import certificate_of, complete, issued, make_asn, make_module, make_opd
from tests.conftest import extract_csrf


def text(response) -> str:
    return response.get_data(as_text=True)


def without_next(page: str) -> str:
    """The page without what differs between any two requests: the echoed path and the CSRF token
    (signed with the time, so it changes from one second to the next)."""
    page = re.sub(r'name="next" value="[^"]*"', "", page)
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def fresh(certificate: Certificate) -> Certificate:
    _db.session.expire_all()
    return _db.session.get(Certificate, certificate.id)


# --- public verification -------------------------------------------------------------------------


def test_verification_shows_a_valid_certificate_without_login(db, client):
    certificate = issued(make_asn(name="Siti Nurhaliza, S.Kom."), make_module(title="Etika Digital", jp=4), score=88)
    response = client.get(f"/verifikasi/{certificate.verification_code}")
    page = text(response)
    assert response.status_code == 200
    assert "Sertifikat ini SAH dan berlaku" in page
    for expected in (
        certificate.number,
        "Siti Nurhaliza, S.Kom.",
        "Etika Digital",
        certificate.opd_name,
        ">4<",
        ">88<",
    ):
        assert expected in page, expected
    assert mask_nip(certificate.nip) in page and certificate.nip not in page
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_verification_of_an_expired_certificate(db, client):
    certificate = issued(module=make_module(certificate_valid_months=12))
    certificate.valid_until = dates.today() - timedelta(days=1)
    db.session.commit()
    page = text(client.get(f"/verifikasi/{certificate.verification_code}"))
    assert "masa berlakunya telah habis" in page


def test_verification_of_a_revoked_certificate_shows_date_and_category_not_the_reason(db, client):
    certificate = issued()
    services.revoke_certificate(certificate, actor=None, category="tidak_sah", reason="Rahasia internal BKPP")
    db.session.commit()
    page = text(client.get(f"/verifikasi/{certificate.verification_code}"))
    assert "TIDAK BERLAKU" in page and "Penyelesaian tidak sah" in page
    assert "Rahasia internal BKPP" not in page


def test_verification_of_a_reissued_certificate_names_its_replacement(db, client):
    certificate = issued()
    new = services.reissue_certificate(certificate, actor=None, reason="Nama diperbaiki")
    db.session.commit()
    page = text(client.get(f"/verifikasi/{certificate.verification_code}"))
    assert "TIDAK BERLAKU" in page and new.number in page
    assert "SAH dan berlaku" in text(client.get(f"/verifikasi/{new.verification_code}"))


@pytest.mark.parametrize(
    "code", [new_verification_code(), "x", "A" * 32, "%2E%2E%2Fetc", "ꦗꦮ" * 20, "a" * 200, "' OR 1=1 --"]
)
def test_every_wrong_code_gets_the_same_404(db, client, code):
    issued()
    reference = client.get(f"/verifikasi/{new_verification_code()}")
    response = client.get(f"/verifikasi/{code}")
    assert response.status_code == 404
    assert without_next(text(response)) == without_next(text(reference))  # only the language form echoes the path
    assert "Sertifikat tidak ditemukan" in text(response)


def test_verification_is_rate_limited(db, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_CERT_VERIFY_LIMIT", "3 per minute")
    code = issued().verification_code
    assert [client.get(f"/verifikasi/{code}").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_verification_never_sends_a_logged_in_user_elsewhere(db, login_as):
    certificate = issued()
    browser, user = login_as("peserta")
    user.must_change_password = True
    db.session.commit()
    assert browser.get("/beranda").status_code == 302  # everything else asks for a new password first
    assert browser.get(f"/verifikasi/{certificate.verification_code}").status_code == 200


# --- the learner ---------------------------------------------------------------------------------


def test_learner_downloads_her_certificate_from_riwayat_and_the_module(db, login_as):
    browser, user = login_as("peserta", opd=make_opd())
    module = make_module("etika-digital", title="Etika Digital")
    certificate = certificate_of(complete(user, module))
    link = "/modul/etika-digital/sertifikat.pdf"
    assert link in text(browser.get("/riwayat"))
    response = browser.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == services.pdf_bytes(certificate)
    assert (
        f"{user.nip}_etika-digital_{certificate.number.replace('/', '-')}.pdf"
        in response.headers["Content-Disposition"]
    )
    assert browser.get(f"/sertifikat/{certificate.id}.pdf").data == response.data


def test_learner_gets_nobody_elses_certificate(db, login_as):
    browser, _user = login_as("peserta")
    other = issued()
    assert browser.get(f"/sertifikat/{other.id}.pdf").status_code == 404
    assert browser.get(f"/modul/{other.module_slug}/sertifikat.pdf").status_code == 404


def test_a_revoked_certificate_is_not_downloadable_by_the_learner(db, login_as):
    browser, user = login_as("peserta", opd=make_opd())
    certificate = issued(user)
    services.revoke_certificate(certificate, actor=None, category="tidak_sah", reason="x")
    db.session.commit()
    response = browser.get(f"/modul/{certificate.module_slug}/sertifikat.pdf")
    assert response.status_code == 410 and response.mimetype == "text/html" and "dicabut" in text(response)
    assert (
        browser.get(f"/sertifikat/{certificate.id}.pdf").status_code == 410
    )  # tests/certificates/test_learner_status.py


def test_after_a_reissue_the_module_link_gives_the_new_certificate(db, login_as):
    browser, user = login_as("peserta", opd=make_opd())
    certificate = issued(user)
    new = services.reissue_certificate(certificate, actor=None, reason="Nama diperbaiki")
    db.session.commit()
    assert browser.get(f"/modul/{certificate.module_slug}/sertifikat.pdf").data == services.pdf_bytes(new)


def test_anonymous_download_goes_to_login(db, client):
    certificate = issued()
    assert client.get(f"/sertifikat/{certificate.id}.pdf").status_code == 302
    assert "/login" in client.get(f"/modul/{certificate.module_slug}/sertifikat.pdf").headers["Location"]


# --- the HR desk: access rules -------------------------------------------------------------------

HR_PAGES = [
    "/hr",
    "/hr/sertifikat",
    "/hr/sertifikat?format=csv",
    "/hr/sertifikat?format=xlsx",
    "/hr/sertifikat/unduh.zip",
    "/hr/sertifikat/{certificate}",
    "/hr/asn",
    "/hr/asn/{user}",
    "/hr/asn/{user}?format=csv&tabel=proses",
    "/hr/asn/{user}/rekap-jp-{year}.pdf",
    "/hr/opd",
    "/hr/opd?format=xlsx",
    "/hr/opd/{opd}",
    "/hr/opd/{opd}?format=csv",
    "/hr/perlu-ditinjau",
    "/hr/perlu-ditinjau?format=csv",
    "/hr/perlu-ditinjau?format=xlsx",
    "/hr/siasn",
    "/hr/siasn?format=csv",
    "/hr/siasn?format=xlsx",
]
HR_POSTS = [
    "/hr/sertifikat/{certificate}/cabut",
    "/hr/sertifikat/{certificate}/terbitkan-ulang",
    "/hr/asn/{user}/terbitkan",
]


def fill(url: str, certificate: Certificate) -> str:
    return url.format(
        certificate=certificate.id, user=certificate.user_id, opd=certificate.opd_id, year=certificate.completed_on.year
    )


@pytest.mark.parametrize("url", HR_PAGES + HR_POSTS)
def test_hr_pages_send_anonymous_visitors_to_login(db, client, url):
    certificate = issued()
    target = fill(url, certificate)
    if url in HR_POSTS:  # refused before the view: no CSRF token without a session
        assert client.post(target, data={"category": "lainnya", "reason": "x"}).status_code == 400
        assert fresh(certificate).status != REVOKED
        return
    response = client.get(target)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["peserta", "pelatih", "admin"])
@pytest.mark.parametrize("url", HR_PAGES)
def test_hr_pages_are_forbidden_without_the_hr_role(db, login_as, role, url):
    certificate = issued()
    browser, _user = login_as(role)
    assert browser.get(fill(url, certificate)).status_code == 403


@pytest.mark.parametrize("url", HR_POSTS)
def test_hr_actions_are_forbidden_without_the_hr_role(db, login_as, url):
    certificate = issued()
    browser, _user = login_as("peserta")
    page = browser.get("/akun")
    response = browser.client.post(fill(url, certificate), data={"csrf_token": extract_csrf(text(page))})
    assert response.status_code == 403
    assert fresh(certificate).status != REVOKED


@pytest.mark.parametrize("url", HR_PAGES)
def test_every_hr_page_opens_for_a_city_wide_hr_account(db, login_as, url):
    certificate = issued()
    browser, _user = login_as("hr")
    response = browser.get(fill(url, certificate))
    assert response.status_code in (200, 302), (url, response.status_code)
    if response.status_code == 302:
        assert url in ("/hr", "/hr/opd") or url.startswith("/hr/sertifikat/unduh")


def test_hr_posts_need_the_csrf_token(db, login_as):
    certificate = issued()
    browser, _user = login_as("hr")
    response = browser.client.post(
        f"/hr/sertifikat/{certificate.id}/cabut", data={"category": "lainnya", "reason": "tanpa token"}
    )
    assert response.status_code == 400
    assert fresh(certificate).status != REVOKED


def scoped_hr(login_as, opd):
    browser, user = login_as("hr", opd=opd)
    account_services.set_hr_scope(user, opd)
    _db.session.commit()
    return browser, user


def test_an_opd_hr_account_sees_only_its_opd(db, login_as):
    mine, theirs = make_opd("Kecamatan Tembalang"), make_opd("Dinas Kesehatan")
    own = issued(make_asn(mine, name="Pegawai Tembalang"))
    other = issued(make_asn(theirs, name="Pegawai Dinkes"))
    browser, _user = scoped_hr(login_as, mine)

    page = text(browser.get("/hr/sertifikat"))
    assert "Pegawai Tembalang" in page and "Pegawai Dinkes" not in page
    assert "Pegawai Dinkes" not in text(browser.get(f"/hr/sertifikat?q=Dinkes&opd={theirs.id}"))
    for url in (
        f"/hr/sertifikat/{other.id}",
        f"/sertifikat/{other.id}.pdf",
        f"/hr/asn/{other.user_id}",
        f"/hr/asn/{other.user_id}/rekap-jp-{other.completed_on.year}.pdf",
        f"/hr/opd/{theirs.id}",
    ):
        assert browser.get(url).status_code == 404, url
    assert browser.get(f"/hr/sertifikat/{own.id}").status_code == 200
    assert browser.get("/hr/opd").headers["Location"].startswith(f"/hr/opd/{mine.id}")
    rows = list(csv.reader(io.StringIO(text(browser.get("/hr/siasn?format=csv"))[1:]), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [f'="{own.nip}"']
    response = browser.post_form(
        f"/hr/sertifikat/{own.id}", {"category": "lainnya", "reason": "uji"}, action=f"/hr/sertifikat/{other.id}/cabut"
    )
    assert response.status_code == 404
    assert fresh(other).status != REVOKED


# --- the HR desk: search, revoke, reissue --------------------------------------------------------


def test_hr_finds_a_certificate_by_nip_name_or_number(db, login_as):
    wanted = issued(make_asn(name="Ratna Dewi"))
    issued(make_asn(name="Bambang Pamungkas"))
    browser, _user = login_as("hr")
    for query in (wanted.nip, wanted.nip[:8], "ratna", wanted.number):
        page = text(browser.get("/hr/sertifikat", query_string={"q": query}))
        assert "Ratna Dewi" in page and "Bambang Pamungkas" not in page, query


def test_search_filters_by_status_module_and_dates(db, login_as):
    module = make_module(title="Keamanan Digital")
    kept = issued(make_asn(name="Andi Valid"), module)
    gone = issued(make_asn(name="Budi Dicabut"), module)
    services.revoke_certificate(gone, actor=None, category="lainnya", reason="uji")
    db.session.commit()
    browser, _user = login_as("hr")
    page = text(browser.get("/hr/sertifikat", query_string={"status": "dicabut"}))
    assert "Budi Dicabut" in page and "Andi Valid" not in page
    page = text(browser.get("/hr/sertifikat", query_string={"modul": module.id, "status": "berlaku"}))
    assert "Andi Valid" in page and "Budi Dicabut" not in page
    later = (kept.completed_on + timedelta(days=1)).isoformat()
    assert "Andi Valid" not in text(browser.get("/hr/sertifikat", query_string={"dari": later}))


def test_hr_revokes_with_a_reason_and_verification_says_so(db, login_as, client):
    certificate = issued()
    browser, hr = login_as("hr")
    page_url = f"/hr/sertifikat/{certificate.id}"
    action = f"{page_url}/cabut"
    response = browser.post_form(page_url, {"category": "data_salah", "reason": ""}, action=action)
    assert response.status_code == 400 and "Alasan pencabutan wajib diisi" in text(response)
    assert fresh(certificate).status != REVOKED

    response = browser.post_form(page_url, {"category": "data_salah", "reason": "NIP tertukar"}, action=action)
    assert response.status_code == 302
    certificate = fresh(certificate)
    assert certificate.status == REVOKED and certificate.revoked_by_id == hr.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "certificate.revoke")).actor_id == hr.id
    page = text(client.get(f"/verifikasi/{certificate.verification_code}"))
    assert "TIDAK BERLAKU" in page and "Data peserta salah" in page


def test_the_revoke_and_reissue_forms_each_label_their_own_field(db, login_as):
    """Two forms on one page: no id twice, and each reason's label points at its own textarea."""
    certificate = issued()
    browser, _hr = login_as("hr")
    page = text(browser.get(f"/hr/sertifikat/{certificate.id}"))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    labels = dict(re.findall(r'<label for="([^"]+)">([^<]+)</label>', page))
    fields = {
        form.group(1).rsplit("/", 1)[1]: re.search(r'<textarea[^>]*\sid="([^"]+)"[^>]*\sname="reason"', form.group(2))
        for form in re.finditer(r'<form method="post" action="([^"]+)"(.*?)</form>', page, re.DOTALL)
        if 'name="reason"' in form.group(2)
    }
    fields = {action: match.group(1) for action, match in fields.items()}
    assert labels[fields["cabut"]].startswith("Alasan pencabutan")
    assert labels[fields["terbitkan-ulang"]].startswith("Alasan penerbitan ulang")


def test_hr_reissues_after_a_correction(db, login_as, client):
    user = make_asn(name="Sitti Nurhaliza")
    certificate = issued(user)
    user.name = "Siti Nurhaliza"
    db.session.commit()
    browser, _hr = login_as("hr")
    page_url = f"/hr/sertifikat/{certificate.id}"
    response = browser.post_form(page_url, {"reason": "Nama salah ketik"}, action=f"{page_url}/terbitkan-ulang")
    assert response.status_code == 302
    old = fresh(certificate)
    new = db.session.get(Certificate, old.replaced_by_id)
    assert response.headers["Location"].endswith(f"/hr/sertifikat/{new.id}")
    assert new.name == "Siti Nurhaliza" and old.status == REVOKED
    detail = text(browser.get(f"/hr/sertifikat/{new.id}"))
    assert old.number in detail
    assert "Siti Nurhaliza" in text(client.get(f"/verifikasi/{new.verification_code}"))


def test_hr_issues_a_pending_certificate_after_the_name_is_fixed(db, login_as):
    user = make_asn(name="Budi ꦧꦸꦢꦶ")
    completion = complete(user, make_module())
    browser, _hr = login_as("hr")
    page = text(browser.get(f"/hr/asn/{user.id}"))
    assert "Sertifikat tertunda" in page
    user.name = "Budi Santoso"
    db.session.commit()
    response = browser.post_form(f"/hr/asn/{user.id}", {}, action=f"/hr/asn/{user.id}/terbitkan")
    assert response.status_code == 302
    db.session.expire_all()
    assert certificate_of(completion).name == "Budi Santoso"


# --- the HR desk: exports ------------------------------------------------------------------------


def test_certificate_list_exports_csv_with_verification_urls_and_nip_as_text(db, login_as, app):
    certificate = issued(make_asn(name='=HYPERLINK("http://x")'))
    browser, _user = login_as("hr")
    response = browser.get("/hr/sertifikat?format=csv")
    assert response.mimetype == "text/csv"
    body = text(response)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    header, row = rows[0], rows[1]
    assert header[0] == "Nomor" and header[-1] == "URL verifikasi"
    assert row[1] == f'="{certificate.nip}"'
    assert row[2] == '\'=HYPERLINK("http://x")'
    assert row[-1] == f"{app.config['LMS_PUBLIC_URL']}/verifikasi/{certificate.verification_code}"
    comma = list(csv.reader(io.StringIO(text(browser.get("/hr/sertifikat?format=csv&sep=,"))[1:]), delimiter=","))
    assert comma[1][1] == f'="{certificate.nip}"'

    sheet = load_workbook(io.BytesIO(browser.get("/hr/sertifikat?format=xlsx").data)).active
    assert sheet["B2"].value == certificate.nip and sheet["B2"].number_format == "@"


def test_siasn_export_has_the_riwayat_kursus_fields(db, login_as):
    certificate = issued(module=make_module(title="Manajemen ASN", jp=6))
    revoked = issued()
    services.revoke_certificate(revoked, actor=None, category="lainnya", reason="uji")
    db.session.commit()
    browser, _user = login_as("hr")
    page = text(browser.get("/hr/siasn"))
    assert "Manajemen ASN" in page
    rows = list(csv.reader(io.StringIO(text(browser.get("/hr/siasn?format=csv"))[1:]), delimiter=";"))
    assert rows[0] == [
        "NIP",
        "namaKursus",
        "institusiPenyelenggara",
        "jumlahJam",
        "nomorSertipikat",
        "tanggalKursus",
        "tanggalSelesaiKursus",
        "tahunKursus",
    ]
    assert rows[1:] == [
        [
            f'="{certificate.nip}"',
            "Manajemen ASN",
            "BKPP Kota Semarang",
            "6",
            certificate.number,
            f'="{certificate.started_on.strftime("%d-%m-%Y")}"',
            f'="{certificate.completed_on.strftime("%d-%m-%Y")}"',
            str(certificate.completed_on.year),
        ]
    ]  # the revoked one is not exported
    sheet = load_workbook(io.BytesIO(browser.get("/hr/siasn?format=xlsx").data)).active
    assert sheet["A2"].value == certificate.nip and sheet["A2"].number_format == "@"
    assert browser.get(f"/hr/siasn?format=csv&tahun={certificate.completed_on.year - 1}").data.count(b"\n") == 1


def test_zip_holds_every_matching_pdf_named_by_nip_module_and_number(db, login_as):
    module = make_module("literasi-digital")
    certificates = [issued(make_asn(), module) for _ in range(3)]
    other = issued(module=make_module("lain"))
    browser, _user = login_as("hr")
    response = browser.get(f"/hr/sertifikat/unduh.zip?modul={module.id}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    expected = {f"{c.nip}_literasi-digital_{c.number.replace('/', '-')}.pdf": c for c in certificates}
    assert set(archive.namelist()) == set(expected)
    for name, certificate in expected.items():
        assert archive.read(name) == services.pdf_bytes(certificate)
    assert other.nip not in " ".join(archive.namelist())


def test_a_zip_that_matches_nothing_is_a_message_not_an_empty_file(db, login_as):
    issued()
    browser, _user = login_as("hr")
    response = browser.get("/hr/sertifikat/unduh.zip?q=tidak-ada-yang-cocok")
    assert response.status_code == 302
    page = text(browser.get(response.headers["Location"]))
    assert "Tidak ada sertifikat yang cocok" in page


# --- the HR desk: people and OPDs ----------------------------------------------------------------


def test_person_page_shows_progress_completions_and_jp(db, login_as):
    opd = make_opd()
    user = make_asn(opd, name="Dewi Lestari")
    done = make_module(title="Etika Digital", jp=8)
    started = make_module(title="Keamanan Siber", jp=2)
    certificate = issued(user, done)
    db.session.add(Enrolment(user_id=user.id, module_id=started.id))
    db.session.commit()
    browser, _hr = login_as("hr")
    page = text(browser.get(f"/hr/asn/{user.id}"))
    assert "Dewi Lestari" in page and "Keamanan Siber" in page and "Etika Digital" in page
    assert certificate.number in page
    assert f"JP tahun {certificate.completed_on.year}: 8 dari target 20" in page
    rows = list(
        csv.reader(io.StringIO(text(browser.get(f"/hr/asn/{user.id}?format=csv&tabel=selesai"))[1:]), delimiter=";")
    )
    assert rows[1][1:4] == ["Etika Digital", f'="{certificate.completed_on.strftime("%d-%m-%Y")}"', "8"]

    recap = browser.get(f"/hr/asn/{user.id}/rekap-jp-{certificate.completed_on.year}.pdf")
    assert recap.mimetype == "application/pdf"
    recap_text = " ".join(PdfReader(io.BytesIO(recap.data)).pages[0].extract_text().split())
    for expected in ("REKAPITULASI JAM PELAJARAN", "Dewi Lestari", "Etika Digital", certificate.number, "8 (delapan)"):
        assert expected in recap_text, expected


def test_opd_table_counts_who_reached_the_target(db, login_as):
    opd = make_opd("Kecamatan Candisari")
    big = make_module(title="Pelatihan Besar", jp=20)
    achiever = make_asn(opd, name="Rina Tercapai")
    issued(achiever, big)
    make_asn(opd, name="Tono Belum")
    browser, _hr = login_as("hr")
    page = text(browser.get(f"/hr/opd/{opd.id}"))
    assert "1 dari 2 ASN telah mencapai target JP" in page
    rows = list(csv.reader(io.StringIO(text(browser.get(f"/hr/opd/{opd.id}?format=csv"))[1:]), delimiter=";"))
    assert sorted((r[1], r[3], r[5]) for r in rows[1:]) == [("Rina Tercapai", "20", "ya"), ("Tono Belum", "0", "belum")]
    overview = text(browser.get("/hr/opd"))
    assert "Kecamatan Candisari" in overview


# --- in English ----------------------------------------------------------------------------------


def test_verification_page_in_english_translates_the_status_and_reason_category(db, browser):
    certificate = issued()
    services.revoke_certificate(certificate, actor=None, category="tidak_sah", reason="Rahasia internal")
    db.session.commit()
    browser.post_form("/login", {"lang": "en"}, action="/bahasa")
    page = text(browser.get(f"/verifikasi/{certificate.verification_code}"))
    assert '<html lang="en">' in page
    assert "This certificate is NOT VALID: it has been revoked" in page
    assert "Completion not legitimate" in page and "Penyelesaian tidak sah" not in page
    # Exports stay in Indonesian whatever the page language: they are documents for BKPP.
    assert services.REVOKE_CATEGORIES["tidak_sah"] == "Penyelesaian tidak sah"


def test_hr_desk_in_english_translates_status_labels_and_revoke_categories(db, login_as):
    certificate = issued()
    browser, _user = login_as("hr")
    browser.post_form("/akun", {"lang": "en"}, action="/bahasa")
    search = text(browser.get("/hr/sertifikat"))
    assert "Certificates" in search and ">Valid<" in search and "All statuses" in search
    detail = text(browser.get(f"/hr/sertifikat/{certificate.id}"))
    assert "Revoke certificate" in detail and ">Learner's details incorrect</option>" in detail
