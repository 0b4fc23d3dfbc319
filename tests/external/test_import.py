"""The CSV import of external training: a preview, every line's problem, all or nothing, within the scope."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from lms import dates
from lms.accounts.models import AuditLog
from lms.external.csv_import import parse_external_csv
from lms.external.models import APPROVED, ExternalTraining
from tests.conftest import extract_csrf
from tests.external.factories import make_training

PAGE = "/hr/pelatihan-luar/impor"
HEADER = "nip;nama_pelatihan;penyelenggara;jenis;tanggal_mulai;tanggal_selesai;jp;nomor_sertifikat"


def text(response) -> str:
    return response.get_data(as_text=True)


def day(days_ago: int) -> str:
    return (dates.today() - timedelta(days=days_ago)).isoformat()


def csv_of(*lines: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + "\n".join([header, *lines]) + "\n").encode("utf-8")


def count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ExternalTraining))


def upload(browser, data: bytes):
    token = extract_csrf(text(browser.get(PAGE)))
    return browser.client.post(
        PAGE,
        data={"csrf_token": token, "file": (io.BytesIO(data), "pelatihan.csv")},
        content_type="multipart/form-data",
    )


def test_a_clean_file_is_previewed_then_imported_approved(db, world):
    data = csv_of(
        f"{world.learner.nip};Diklat Pengawas;BPSDM Jawa Tengah;diklat;{day(20)};{day(15)};40;BPSDM/1",
        f"{world.outsider.nip};Webinar SPBE;Kominfo RI;Seminar / webinar;{day(3)};{day(3)};2;",
    )
    browser = world.clients["hr_city"]
    preview = upload(browser, data)
    assert preview.status_code == 200
    page = text(preview)
    assert "Pratinjau: 2 pelatihan siap diimpor" in page and "Diklat Pengawas" in page
    assert count(db) == 0  # a preview writes nothing
    token = extract_csrf(page)
    payload = page.split('name="payload" type="hidden" value="', 1)[1].split('"', 1)[0]
    import html

    response = browser.client.post(
        "/hr/pelatihan-luar/impor/konfirmasi", data={"csrf_token": token, "payload": html.unescape(payload)}
    )
    assert response.status_code == 302
    rows = list(db.session.scalars(select(ExternalTraining).order_by(ExternalTraining.jp)))
    assert [(r.name, r.jp, r.status, r.source, r.kind) for r in rows] == [
        ("Webinar SPBE", 2, APPROVED, "import", "seminar"),
        ("Diklat Pengawas", 40, APPROVED, "import", "diklat"),
    ]
    assert rows[0].certificate_number is None and rows[1].certificate_number == "BPSDM/1"
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "external.import"))
    assert sorted(audit.details["ids"]) == sorted(r.id for r in rows)


def test_every_bad_line_is_named_and_nothing_is_written(db, world):
    make_training(world.learner, name="Sudah Ada", end_on=dates.today() - timedelta(days=5))
    nip = world.learner.nip
    data = csv_of(
        f"{nip};Baik;LAN;kursus;{day(9)};{day(9)};4;",  # line 2: fine, but the file has errors
        f"199001012015031999;Tak Dikenal;LAN;kursus;{day(9)};{day(9)};4;",  # 3: unknown NIP
        f"{nip};Masa Depan;LAN;kursus;{day(1)};{day(-3)};4;",  # 4: in the future
        f"{nip};Terbalik;LAN;kursus;{day(2)};{day(9)};4;",  # 5: end before start
        f"{nip};Nol;LAN;kursus;{day(9)};{day(9)};0;",  # 6: JP 0
        f"{nip};Negatif;LAN;kursus;{day(9)};{day(9)};-2;",  # 7: JP negative
        f"{nip};Rapat;LAN;rapat;{day(9)};{day(9)};2;",  # 8: unknown kind
        f"{nip};Tanggal;LAN;kursus;31-02-2026;{day(9)};2;",  # 9: not a date
        f"{nip};Sudah Ada;LAN;kursus;{day(5)};{day(5)};2;",  # 10: already recorded
        f"{nip};Baik;LAN;kursus;{day(9)};{day(9)};4;",  # 11: twice in the file
        f"12345;Salah NIP;LAN;kursus;{day(9)};{day(9)};4;",  # 12: not a NIP
        f"{nip};;LAN;kursus;{day(9)};{day(9)};4;",  # 13: no name
    )
    response = upload(world.clients["hr_city"], data)
    assert response.status_code == 400
    preview = parse_external_csv(data, None, dates.today())
    lines = {line for line, _ in preview.errors}
    assert lines == set(range(3, 14)), preview.errors
    messages = dict(preview.errors)
    assert "tidak terdaftar" in messages[3]
    assert "belum terjadi" in messages[4]
    assert "sebelum tanggal mulai" in messages[5]
    assert "1 sampai 1000" in messages[6] and "1 sampai 1000" in messages[7]
    assert "tidak dikenal" in messages[8]
    assert "tidak sah" in messages[9]
    assert "Sudah tercatat" in messages[10]
    assert "baris 2" in messages[11]
    assert "Nama pelatihan wajib" in messages[13]
    page = text(response)
    assert "masalah ditemukan — belum ada yang disimpan" in page and "Impor " not in page.split("masalah")[1]
    assert count(db) == 1


def test_an_opd_hr_imports_only_its_own_people(db, world):
    data = csv_of(
        f"{world.learner.nip};Diklat A;LAN;diklat;{day(9)};{day(9)};4;",
        f"{world.outsider.nip};Diklat B;LAN;diklat;{day(9)};{day(9)};4;",
    )
    response = upload(world.clients["hr_opd"], data)
    assert response.status_code == 400
    page = text(response)
    assert f"NIP {world.outsider.nip} tidak terdaftar di Dinas Komunikasi" in page
    assert count(db) == 0


def test_a_tampered_confirmation_is_checked_again(db, world):
    browser = world.clients["hr_opd"]
    token = extract_csrf(text(browser.get(PAGE)))
    payload = csv_of(f"{world.outsider.nip};Diklat B;LAN;diklat;{day(9)};{day(9)};4;").decode("utf-8-sig")
    response = browser.client.post(
        "/hr/pelatihan-luar/impor/konfirmasi", data={"csrf_token": token, "payload": payload}
    )
    assert response.status_code == 400 and "tidak terdaftar" in text(response)
    assert count(db) == 0


def test_files_that_are_not_csv_are_refused_clearly(db, world):
    browser = world.clients["hr_city"]
    for data, words in (
        (b"", "Berkas kosong"),
        (b"\xff\xfe\x00n\x00i\x00p", "UTF-8"),
        (csv_of(header="nip;nama"), "Kolom wajib tidak ada"),
        (csv_of(), "Tidak ada baris data"),
        (b"%PDF-1.4 binary", "Kolom wajib tidak ada"),
    ):
        response = upload(browser, data)
        assert response.status_code == 400, words
        assert words in text(response), words
    token = extract_csrf(text(browser.get(PAGE)))
    assert browser.client.post(PAGE, data={"csrf_token": token}).status_code == 400
    assert browser.client.post("/hr/pelatihan-luar/impor/konfirmasi", data={"csrf_token": token}).status_code == 400
    assert count(db) == 0


def test_a_comma_separated_file_with_kind_names_is_read(db, world):
    header = HEADER.replace(";", ",")
    data = csv_of(
        f'{world.learner.nip},"Workshop Data, Tahap 1",Bappeda,Workshop / lokakarya,{day(9)},{day(8)},8,', header=header
    )
    preview = parse_external_csv(data, world.opd, dates.today())
    assert preview.is_clean, preview.errors
    assert preview.rows[0].data.name == "Workshop Data, Tahap 1" and preview.rows[0].data.kind == "workshop"


def test_hr_cannot_import_its_own_training(db, world):
    data = csv_of(f"{world.hr_opd.nip};Diklat Saya;LAN;diklat;{day(9)};{day(9)};40;")
    response = upload(world.clients["hr_opd"], data)
    assert response.status_code == 400 and "NIP Anda sendiri" in text(response)
    assert count(db) == 0
