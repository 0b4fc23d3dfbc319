"""SIASN riwayat kursus rows, CSV and XLSX (NIP as text, formula injection neutralised), ZIP file names."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from lms.certificates.exports import certificate_filename
from lms.csvutil import as_text, iter_csv, write_csv, write_xlsx
from lms.hr.exports import (
    SIASN_COLUMNS,
    SiasnCourse,
    dmy,
    siasn_course,
    siasn_csv,
    siasn_xlsx,
)
from tests.certificates.helpers import make_snapshot

NIP = "198609262015051001"


def read_csv(text: str, delimiter: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_siasn_row_from_the_snapshot() -> None:
    course = siasn_course(make_snapshot())
    assert course.row() == [
        NIP,
        "Literasi Digital bagi ASN: Cakap, Etika, Budaya dan Keamanan Digital",
        "BKPP Kota Semarang",
        4,
        "LMS/2026/000123",
        "03-11-2026",
        "28-11-2026",
        2026,
    ]


def test_dates_are_day_month_year_zero_padded() -> None:
    assert dmy(date(2026, 1, 5)) == "05-01-2026"


def test_siasn_csv_has_the_exact_fields_and_keeps_nip_as_text() -> None:
    text = siasn_csv([siasn_course(make_snapshot())])
    rows = read_csv(text, ";")
    assert rows[0] == list(SIASN_COLUMNS)
    assert rows[1][0] == f'="{NIP}"'  # Excel shows the 18 digits as text, not 1.98609E+17
    assert rows[1][5:] == ['="03-11-2026"', '="28-11-2026"', "2026"]
    assert rows[1][4] == "LMS/2026/000123"
    assert text.endswith("\r\n")


def test_siasn_csv_with_comma_and_without_the_excel_trick() -> None:
    rows = read_csv(write_csv(SIASN_COLUMNS, [siasn_course(make_snapshot()).row()], ",", excel_text=False), ",")
    assert rows[1][0] == NIP
    assert rows[1][5] == "03-11-2026"


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x","klik")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_formula_injection_is_neutralised(payload: str) -> None:
    course = SiasnCourse(NIP, payload, payload, 4, "LMS/2026/000001", date(2026, 1, 1), date(2026, 1, 2))
    rows = read_csv(siasn_csv([course], delimiter=","), ",")
    assert rows[1][1] == "'" + payload
    assert rows[1][2] == "'" + payload


@pytest.mark.parametrize("value", ['=1+1"', "12ab", "=cmd|' /C calc'!A0", "-123", "1\n2", ""])
def test_only_number_like_text_gets_the_excel_wrapper(value: str) -> None:
    (_header, row) = read_csv(write_csv(["x"], [[as_text(value)]]), ",")
    assert not row[0].startswith("=")


def test_iter_csv_streams_the_same_file() -> None:
    rows = [[as_text(NIP), "a;b", 'kutip "ganda"'], [as_text("199203152022212003"), None, 3]]
    assert "".join(iter_csv(["nip", "x", "y"], rows, ";")) == write_csv(["nip", "x", "y"], rows, ";")
    assert read_csv(write_csv(["nip", "x", "y"], rows, ";"), ";")[1][1:] == ["a;b", 'kutip "ganda"']


def test_bad_delimiter_is_refused() -> None:
    with pytest.raises(ValueError):
        write_csv(["a"], [], "\t")


def test_siasn_xlsx_keeps_nip_as_text_and_never_runs_a_formula() -> None:
    evil = SiasnCourse(NIP, "=1+1", "@SUM(A1)", 2, "LMS/2026/000002", date(2026, 2, 1), date(2026, 2, 3))
    data = siasn_xlsx([siasn_course(make_snapshot()), evil])
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == list(SIASN_COLUMNS)
    nip_cell = rows[1][0]
    assert nip_cell.value == NIP and isinstance(nip_cell.value, str)
    assert nip_cell.number_format == "@"
    assert nip_cell.data_type == "s"
    assert rows[1][3].value == 4 and rows[1][7].value == 2026
    assert rows[1][5].value == "03-11-2026"
    assert rows[2][1].value == "=1+1" and rows[2][1].data_type == "s"
    assert rows[2][2].value == "@SUM(A1)" and rows[2][2].data_type == "s"
    assert sheet.freeze_panes == "A2"


def test_xlsx_drops_characters_excel_refuses() -> None:
    sheet = load_workbook(io.BytesIO(write_xlsx(["x"], [["a\x00b\x07c"]]))).active
    assert sheet["A2"].value == "abc"


@pytest.mark.parametrize(
    ("nip", "slug", "number", "expected"),
    [
        (NIP, "literasi-digital", "LMS/2026/000123", f"{NIP}_literasi-digital_LMS-2026-000123.pdf"),
        (NIP, "x", "800/BKPP/2026/000007", f"{NIP}_x_800-BKPP-2026-000007.pdf"),
        (NIP, "../../etc", "LMS/2026/1", f"{NIP}_etc_LMS-2026-1.pdf"),
        (NIP, "a b\\c:d", "..", f"{NIP}_a-b-c-d_x.pdf"),
    ],
)
def test_zip_file_names_are_safe(nip, slug, number, expected) -> None:
    name = certificate_filename(nip, slug, number)
    assert name == expected
    assert "/" not in name and "\\" not in name and not name.startswith(".")
