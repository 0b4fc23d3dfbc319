"""HR sees reading time beside expected time (person page, exports) and the completions to review
(*perlu ditinjau*): under LMS_REVIEW_TIME_SHARE of expected, by OPD, within an HR account's scope."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from lms.accounts import services as account_services
from lms.certificates import services
from lms.extensions import db as _db
from tests.certificates.factories import complete, make_asn, make_module, make_opd


def text(response) -> str:
    return response.get_data(as_text=True)


def completed(user, title: str, *, read_minutes: int | None, expected: int):
    """A completion with the reading time the learning pages recorded (None: before it was measured)."""
    completion = complete(user, make_module(title=title))
    completion.engaged_seconds = None if read_minutes is None else read_minutes * 60 + 30
    completion.expected_minutes = expected
    _db.session.commit()
    return completion


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(response).lstrip("\ufeff")), delimiter=";"))


def test_the_person_page_and_its_export_show_reading_time_beside_expected(db, login_as):
    asn = make_asn(name="Ratna Dewi")
    completed(asn, "Modul Terukur", read_minutes=40, expected=77)
    completed(asn, "Modul Lama", read_minutes=None, expected=60)
    browser, _hr = login_as("hr")
    page = text(browser.get(f"/hr/asn/{asn.id}"))
    assert "Waktu baca" in page
    assert "40 menit dari perkiraan 1 jam 17 menit" in page
    assert "tidak diukur" in page
    rows = csv_rows(browser.get(f"/hr/asn/{asn.id}?format=csv&tabel=selesai"))
    assert rows[0][-2:] == ["Waktu baca (menit)", "Perkiraan waktu pelajaran (menit)"]
    by_module = {row[1]: row[-2:] for row in rows[1:]}
    assert by_module == {"Modul Terukur": ["40", "77"], "Modul Lama": ["", "60"]}


def test_the_review_list_holds_completions_under_the_threshold_only(db, login_as):
    asn = make_asn(name="Budi Santoso")
    completed(asn, "Terlalu Cepat", read_minutes=30, expected=60)  # 50 %
    completed(asn, "Cukup", read_minutes=50, expected=60)  # 83 %
    completed(asn, "Sebelum Diukur", read_minutes=None, expected=60)
    browser, _hr = login_as("hr")
    page = text(browser.get("/hr/perlu-ditinjau"))
    assert "Terlalu Cepat" in page and "30 menit dari perkiraan 1 jam (50%)" in page
    assert "Cukup" not in page and "Sebelum Diukur" not in page
    assert "kurang dari 75% perkiraan waktu" in page


def test_the_review_list_filters_by_opd_and_exports_csv_and_xlsx(db, login_as):
    tembalang, dinkes = make_opd("Kecamatan Tembalang"), make_opd("Dinas Kesehatan")
    completed(make_asn(tembalang, name="Pegawai Tembalang"), "Modul A", read_minutes=10, expected=60)
    completed(make_asn(dinkes, name="Pegawai Dinkes"), "Modul B", read_minutes=5, expected=60)
    browser, _hr = login_as("hr")
    both = text(browser.get("/hr/perlu-ditinjau"))
    assert "Pegawai Tembalang" in both and "Pegawai Dinkes" in both
    one = text(browser.get(f"/hr/perlu-ditinjau?opd={tembalang.id}"))
    assert "Pegawai Tembalang" in one and "Pegawai Dinkes" not in one
    rows = csv_rows(browser.get(f"/hr/perlu-ditinjau?opd={tembalang.id}&format=csv"))
    assert rows[0][:4] == ["NIP", "Nama", "Perangkat Daerah", "Modul"]
    assert [(row[1], row[2], row[3], row[6], row[7], row[8]) for row in rows[1:]] == [
        ("Pegawai Tembalang", "Kecamatan Tembalang", "Modul A", "10", "60", "17")
    ]
    workbook = load_workbook(io.BytesIO(browser.get("/hr/perlu-ditinjau?format=xlsx").get_data()))
    names = [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Pegawai Dinkes", "Pegawai Tembalang"]  # the shortest share first


def test_an_opd_hr_account_reviews_only_its_own_opd(db, login_as):
    tembalang, dinkes = make_opd("Kecamatan Tembalang"), make_opd("Dinas Kesehatan")
    completed(make_asn(tembalang, name="Pegawai Tembalang"), "Modul A", read_minutes=10, expected=60)
    completed(make_asn(dinkes, name="Pegawai Dinkes"), "Modul B", read_minutes=5, expected=60)
    browser, user = login_as("hr", opd=tembalang)
    account_services.set_hr_scope(user, tembalang)
    _db.session.commit()
    page = text(browser.get(f"/hr/perlu-ditinjau?opd={dinkes.id}"))
    assert "Pegawai Tembalang" in page and "Pegawai Dinkes" not in page
    rows = csv_rows(browser.get(f"/hr/perlu-ditinjau?opd={dinkes.id}&format=csv"))
    assert [row[1] for row in rows[1:]] == ["Pegawai Tembalang"]


def test_a_voided_completion_leaves_the_review_list(db, login_as):
    """Revoked as invalid (tidak sah), the completion is already judged: nothing left to review."""
    from sqlalchemy import select

    from lms.certificates.models import Certificate

    completed(make_asn(name="Pegawai Dibatalkan"), "Modul Batal", read_minutes=5, expected=60)
    completed(make_asn(name="Pegawai Ditinjau"), "Modul Tinjau", read_minutes=5, expected=60)
    certificate = _db.session.scalar(select(Certificate).where(Certificate.name == "Pegawai Dibatalkan"))
    services.revoke_certificate(certificate, actor=None, category="tidak_sah", reason="Dikerjakan orang lain.")
    _db.session.commit()
    browser, _hr = login_as("hr")
    page = text(browser.get("/hr/perlu-ditinjau"))
    assert "Pegawai Ditinjau" in page and "Pegawai Dibatalkan" not in page
