"""The learner submits training done outside Lentera with its PDF, follows its status and withdraws it."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import AuditLog
from lms.external.models import APPROVED, PENDING, ExternalTraining, ExternalTrainingFile
from tests.conftest import extract_csrf
from tests.external.factories import form_values, make_training, pdf_bytes, upload

PAGE = "/riwayat/pelatihan-luar"


def text(response) -> str:
    return response.get_data(as_text=True)


def submit(browser, values=None, file=None, **kwargs):
    token = extract_csrf(text(browser.get(PAGE)))
    data = {"csrf_token": token, **(values or form_values())}
    if file is not False:
        data["certificate"] = file or upload()
    return browser.client.post(PAGE, data=data, content_type="multipart/form-data", **kwargs)


def count(db, model=ExternalTraining) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_she_submits_a_training_with_its_pdf_and_sees_it_pending(db, world):
    browser = world.clients["learner"]
    response = submit(browser)
    assert response.status_code == 302
    training = db.session.scalar(select(ExternalTraining))
    assert (training.user_id, training.status, training.source, training.jp) == (
        world.learner.id,
        PENDING,
        "learner",
        12,
    )
    assert training.submitted_by_id == world.learner.id and training.decided_at is None
    assert db.session.get(ExternalTrainingFile, training.id).content == pdf_bytes()
    page = text(browser.get(PAGE))
    assert "Pelatihan Kepemimpinan Pengawas" in page and "Menunggu" in page and "Tarik pengajuan" in page
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "external.submit"))
    assert audit.target_user_id == world.learner.id and audit.details["jp"] == 12


def test_the_page_is_reachable_from_riwayat_and_beranda(world):
    browser = world.clients["learner"]
    for path in ("/riwayat", "/beranda"):
        assert f'href="{PAGE}"' in text(browser.get(path)), path


def test_a_submission_without_a_pdf_is_refused(db, world):
    response = submit(world.clients["learner"], file=False)
    assert response.status_code == 400
    assert "Unggah sertifikat pelatihan (PDF)" in text(response)
    assert count(db) == 0


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(db, world):
    response = submit(world.clients["learner"], file=upload(b"<html><script>alert(1)</script>", "sertifikat.pdf"))
    assert response.status_code == 400
    assert "bukan PDF" in text(response)
    assert count(db) == 0 and count(db, ExternalTrainingFile) == 0


def test_a_pdf_over_the_configured_limit_is_refused_saying_the_limit(app, db, world, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_EXTERNAL_PDF_MAX_BYTES", 1024 * 1024)
    big = pdf_bytes() + b"\n" * (1024 * 1024)
    response = submit(world.clients["learner"], file=upload(big))
    assert response.status_code == 400
    assert "maksimal 1 MB" in text(response)
    assert count(db) == 0


def test_a_50_mb_upload_gets_a_clear_413_page_and_writes_nothing(db, world):
    response = submit(world.clients["learner"], file=upload(b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024)))
    assert response.status_code == 413
    page = text(response)
    assert "Berkas terlalu besar" in page and "paling besar 5 MB" in page and "Traceback" not in page
    assert count(db) == 0


def test_bad_fields_are_shown_by_the_fields_and_nothing_is_written(db, world):
    browser = world.clients["learner"]
    for overrides, words in (
        ({"end_on": "2999-01-01"}, "belum terjadi"),
        ({"start_on": "2026-06-10", "end_on": "2026-06-01"}, "sebelum tanggal mulai"),
        ({"jp": "0"}, "1 sampai 1000"),
        ({"jp": "-5"}, "1 sampai 1000"),
        ({"jp": "100000"}, "1 sampai 1000"),
        ({"name": ""}, "Nama pelatihan wajib diisi"),
        ({"kind": "rapat"}, "Jenis pelatihan tidak dikenal"),
    ):
        response = submit(browser, form_values(**overrides))
        assert response.status_code == 400, overrides
        assert words in text(response), overrides
    assert count(db) == 0


def test_the_same_training_twice_is_refused(db, world):
    browser = world.clients["learner"]
    assert submit(browser).status_code == 302
    response = submit(browser, form_values(name="pelatihan kepemimpinan PENGAWAS"))
    assert response.status_code == 409
    assert "sudah tercatat" in text(response)
    assert count(db) == 1


def test_a_rejected_training_may_be_submitted_again(db, world):
    make_training(world.learner, status="rejected", name="Pelatihan Kepemimpinan Pengawas", end_on=None)
    existing = db.session.scalar(select(ExternalTraining))
    response = submit(
        world.clients["learner"], form_values(end_on=existing.end_on.isoformat(), start_on=existing.end_on.isoformat())
    )
    assert response.status_code == 302
    assert count(db) == 2


def test_she_sees_the_status_and_the_reason_of_a_rejection(world):
    make_training(world.learner, status="rejected", name="Webinar Tanpa Sertifikat")
    make_training(world.learner, status=APPROVED, name="Bimtek SPBE")
    page = text(world.clients["learner"].get(PAGE))
    assert "Ditolak" in page and "Sertifikat tidak terbaca." in page
    assert "Disetujui" in page and "Bimtek SPBE" in page


def test_she_withdraws_her_pending_submission(db, world):
    training = make_training(world.learner, status=PENDING)
    browser = world.clients["learner"]
    response = browser.post_form(PAGE, {}, action=f"{PAGE}/{training.id}/tarik")
    assert response.status_code == 302
    assert count(db) == 0 and count(db, ExternalTrainingFile) == 0
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "external.withdraw"))


def test_a_decided_record_cannot_be_withdrawn(db, world):
    training = make_training(world.learner, status=APPROVED)
    response = world.clients["learner"].post_form(PAGE, {}, action=f"{PAGE}/{training.id}/tarik", follow_redirects=True)
    assert "sudah diputuskan" in text(response)
    assert count(db) == 1


def test_another_persons_record_cannot_be_withdrawn_nor_downloaded(db, world):
    training = make_training(world.outsider, status=PENDING)
    browser = world.clients["learner"]
    assert browser.post_form(PAGE, {}, action=f"{PAGE}/{training.id}/tarik").status_code == 404
    assert browser.get(f"/pelatihan-luar/{training.id}/sertifikat.pdf").status_code == 404
    assert count(db) == 1


def test_she_downloads_her_own_pdf_as_an_attachment(world):
    training = make_training(world.learner, status=PENDING)
    response = world.clients["learner"].get(f"/pelatihan-luar/{training.id}/sertifikat.pdf")
    assert response.status_code == 200
    assert response.data == pdf_bytes()
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_record_without_a_pdf_has_nothing_to_download(world):
    training = make_training(world.learner, with_pdf=False)
    assert world.clients["learner"].get(f"/pelatihan-luar/{training.id}/sertifikat.pdf").status_code == 404


def test_anonymous_visitors_go_to_the_login_page(world):
    training = make_training(world.learner)
    client = world.clients["anonymous"].client
    for path in (PAGE, f"/pelatihan-luar/{training.id}/sertifikat.pdf"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    response = client.post(f"{PAGE}/{training.id}/tarik")
    assert response.status_code in (302, 400)


def test_a_post_without_csrf_writes_nothing(db, world):
    response = world.clients["learner"].client.post(
        PAGE, data={**form_values(), "certificate": upload()}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert count(db) == 0
