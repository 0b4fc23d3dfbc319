"""The pure checks of external training: the fields (clean_training), dates, kinds, and the PDF by content."""

from __future__ import annotations

from datetime import date

import pytest

from lms.errors import ValidationError
from lms.external.models import JP_MAX
from lms.external.services import check_pdf, clean_training, parse_date, parse_kind, safe_filename
from tests.external.factories import pdf_bytes

TODAY = date(2026, 12, 5)


def values(**overrides):
    base = {
        "name": "  Diklat   Pengawas ",
        "organiser": "BPSDM Jateng",
        "kind": "diklat",
        "start_on": "2026-11-01",
        "end_on": "2026-11-05",
        "jp": "40",
        "certificate_number": "",
    }
    return {**base, **overrides}


def test_a_valid_training_is_cleaned():
    data, errors = clean_training(values(), TODAY)
    assert errors == {}
    assert data.name == "Diklat Pengawas"
    assert (data.start_on, data.end_on, data.jp, data.certificate_number) == (
        date(2026, 11, 1),
        date(2026, 11, 5),
        40,
        None,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"name": "  "}, "name", "wajib"),
        ({"organiser": ""}, "organiser", "wajib"),
        ({"name": "x" * 301}, "name", "maksimal 300"),
        ({"kind": "rapat"}, "kind", "tidak dikenal"),
        ({"kind": ""}, "kind", "tidak dikenal"),
        ({"start_on": ""}, "start_on", "wajib"),
        ({"end_on": "31-02-2026"}, "end_on", "tidak sah"),
        ({"end_on": "kemarin"}, "end_on", "tidak sah"),
        ({"end_on": "2026-12-06"}, "end_on", "belum terjadi"),
        ({"start_on": "2027-01-01", "end_on": "2027-01-02"}, "start_on", "belum terjadi"),
        ({"start_on": "2026-11-06", "end_on": "2026-11-05"}, "end_on", "sebelum tanggal mulai"),
        ({"start_on": "1900-01-01"}, "start_on", "terlalu lama"),
        ({"jp": "0"}, "jp", "1 sampai"),
        ({"jp": "-3"}, "jp", "1 sampai"),
        ({"jp": str(JP_MAX + 1)}, "jp", "1 sampai"),
        ({"jp": "9" * 30}, "jp", "1 sampai"),
        ({"jp": "2,5"}, "jp", "1 sampai"),
        ({"jp": "abc"}, "jp", "1 sampai"),
        ({"jp": ""}, "jp", "wajib"),
    ],
)
def test_bad_fields_are_refused_with_a_message(overrides, field, words):
    data, errors = clean_training(values(**overrides), TODAY)
    assert data is None
    assert words in errors[field], errors


def test_today_is_allowed_and_dates_as_spreadsheets_write_them():
    data, errors = clean_training(values(start_on="05/12/2026", end_on="05-12-2026"), TODAY)
    assert errors == {} and data.start_on == data.end_on == TODAY
    assert parse_date("2026-1-9") == date(2026, 1, 9)
    assert parse_date("26-01-09") is None
    assert parse_date("") is None


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("Seminar / webinar", "seminar"),
        ("webinar", "seminar"),
        ("DIKLAT", "diklat"),
        ("pelatihan", "diklat"),
        ("E-learning lain", "elearning"),
        ("bimtek", "bimtek"),
        ("lokakarya", "workshop"),
        ("rapat", None),
    ],
)
def test_kinds_are_read_by_key_or_name(typed, kind):
    assert parse_kind(typed) == kind


def test_a_real_pdf_passes():
    check_pdf(pdf_bytes(), 5 * 1024 * 1024)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "kosong"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "bukan PDF"),
        (b"<html><script>alert(1)</script></html>", "bukan PDF"),
        (b"%PDF-1.7\n" + b"sampah" * 50, "rusak"),
        (b"%PDF-1.4\n%%EOF\n", "rusak"),
    ],
)
def test_what_is_not_a_pdf_is_refused_by_its_content(data, words):
    with pytest.raises(ValidationError) as refused:
        check_pdf(data, 5 * 1024 * 1024)
    assert words in refused.value.message


def test_a_pdf_over_the_limit_is_refused_saying_the_limit():
    with pytest.raises(ValidationError) as refused:
        check_pdf(pdf_bytes() + b"\n" * 2_000_000, 1024 * 1024)
    assert "maksimal 1 MB" in refused.value.message


def test_the_stored_file_name_is_tame():
    assert safe_filename("C:\\Users\\siti\\Sertifikat Diklat.pdf") == "Sertifikat Diklat.pdf"
    assert safe_filename('../../etc/"x";.PDF') == "_x__.PDF"
    assert safe_filename("foto.jpg") == "foto.jpg.pdf"
    assert safe_filename("") == "sertifikat.pdf"
