"""The one XLSX writer (lms.csvutil.write_xlsx), written directly as SpreadsheetML: read back by openpyxl
cell by cell, and fast enough for the 15,000-row below-target export."""

from __future__ import annotations

import io
import time
from datetime import date, datetime

from openpyxl import load_workbook

from lms.csvutil import as_text, write_xlsx


def read(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_cells_read_back_with_their_types_and_formats():
    sheet = read(
        write_xlsx(
            ["NIP", "Nama", "JP", "Rasio", "Tanggal", "Waktu", "Ya", "Kosong"],
            [
                [
                    as_text("198609262015051001"),
                    ' <Siti> & "Ani" ',
                    12,
                    0.5,
                    date(2026, 11, 28),
                    datetime(2026, 1, 2, 6),
                    True,
                    None,
                ],
                [as_text("007"), '=HYPERLINK("x")', -3, 1e-05, date(1999, 12, 31), datetime(2000, 3, 1), False, ""],
            ],
            sheet_title="Belum target: 2026/[opd]",
        )
    )
    assert sheet.title == "Belum target- 2026--opd-"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    nip, name, jp, ratio, day, moment, yes, empty = sheet[2]
    assert (nip.value, nip.data_type, nip.number_format) == ("198609262015051001", "s", "@")
    assert name.value == ' <Siti> & "Ani" ' and name.data_type == "s"
    assert jp.value == 12 and ratio.value == 0.5
    assert day.value == datetime(2026, 11, 28) and day.number_format == "DD-MM-YYYY"
    assert moment.value == datetime(2026, 1, 2, 6)
    assert yes.value is True and empty.value is None
    row = sheet[3]
    assert row[0].value == "007" and row[0].data_type == "s"
    assert row[1].value == '=HYPERLINK("x")' and row[1].data_type == "s"  # text, never a formula
    assert (row[2].value, row[3].value, row[6].value) == (-3, 1e-05, False)
    assert row[4].value == datetime(1999, 12, 31) and row[5].value == datetime(2000, 3, 1)
    assert sheet.column_dimensions["B"].width >= len(' <Siti> & "Ani" ')


def test_an_empty_table_and_wide_columns():
    sheet = read(write_xlsx(["a"], []))
    assert [c.value for c in sheet[1]] == ["a"] and sheet.max_row == 1
    wide = read(write_xlsx([f"k{n}" for n in range(30)], [list(range(30))]))
    assert wide["AD2"].value == 29 and wide["AD1"].value == "k29"


def test_fifteen_thousand_rows_in_well_under_five_seconds():
    header = [
        "NIP",
        "Nama",
        "Perangkat Daerah",
        "Jenis",
        "JP Lentera",
        "JP luar",
        "Jumlah",
        "Target",
        "Kurang",
        "Status",
    ]
    rows = [
        [as_text(f"19700101199401{n:04d}"), f"ASN {n}", "Dinas Pendidikan", "PNS", 3, 4, 7, 20, 13, "belum"]
        for n in range(15_000)
    ]
    start = time.process_time()
    data = write_xlsx(header, rows)
    assert time.process_time() - start < 1.0  # openpyxl cell objects took 2 s
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows(values_only=True)) == 15_001
