"""NIP (PNS) and NI PPPK validation: which part is wrong, said in Bahasa Indonesia; formatting and masking."""

from __future__ import annotations

from datetime import date

import pytest

from lms.accounts.nip import PNS, PPPK, format_nip, mask_nip, normalise_nip, parse_nip
from lms.errors import ValidationError

TODAY = date(2026, 11, 28)
PNS_NIP = "198609262015051001"  # born 26-09-1986, TMT CPNS May 2015, male, 001
PPPK_NIP = "199203152022212003"  # born 15-03-1992, appointed 2022, code 21, female, 003


def nip_error(raw: str | None) -> str:
    with pytest.raises(ValidationError) as excinfo:
        parse_nip(raw, today=TODAY)
    return excinfo.value.message


def test_valid_pns_nip_is_read_part_by_part():
    info = parse_nip(PNS_NIP, today=TODAY)
    assert info.nip == PNS_NIP
    assert info.employee_type == PNS
    assert info.birth_date == date(1986, 9, 26)
    assert info.gender == "L"
    assert (info.start_year, info.start_month) == (2015, 5)


def test_valid_pppk_nip_is_derived_as_pppk():
    info = parse_nip(PPPK_NIP, today=TODAY)
    assert info.employee_type == PPPK
    assert info.birth_date == date(1992, 3, 15)
    assert info.gender == "P"
    assert info.start_year == 2022
    assert info.start_month is None


@pytest.mark.parametrize("code", ["21", "22", "35", "99"])
def test_every_code_from_21_up_makes_a_pppk(code):
    assert parse_nip(f"199203152022{code}2003", today=TODAY).employee_type == PPPK


@pytest.mark.parametrize("month", ["01", "06", "12"])
def test_tmt_months_01_to_12_make_a_pns(month):
    info = parse_nip(f"198609262015{month}1001", today=TODAY)
    assert info.employee_type == PNS
    assert info.start_month == int(month)


@pytest.mark.parametrize(
    "typed",
    [
        "19860926 201505 1 001",
        "  198609262015051001  ",
        "19860926\t201505\t1\t001",
        "19860926.201505.1.001",
        "19860926-201505-1-001",
        "19860926\u00a0201505\u00a01\u00a0001",  # non-breaking spaces pasted from a document
    ],
)
def test_spaces_and_separators_people_type_are_stripped(typed):
    assert normalise_nip(typed) == PNS_NIP
    assert parse_nip(typed, today=TODAY).nip == PNS_NIP


@pytest.mark.parametrize(
    "nip",
    [
        "198602302015051001",  # 30 February
        "198702292015051001",  # 29 February in a common year
        "198613262015051001",  # month 13
        "198600262015051001",  # month 00
        "198609312015051001",  # 31 September
        "198609002015051001",  # day 00
    ],
)
def test_impossible_birth_date_is_refused_naming_digits_1_to_8(nip):
    message = nip_error(nip)
    assert "Digit 1–8" in message
    assert "tanggal lahir" in message


def test_leap_day_birth_date_is_accepted():
    assert parse_nip("198802292015051001", today=TODAY).birth_date == date(1988, 2, 29)


@pytest.mark.parametrize("nip", ["192001012015051001", "202712012015051001"])
def test_birth_date_outside_a_plausible_range_is_refused(nip):
    message = nip_error(nip)
    assert "Digit 1–8" in message
    assert "tanggal lahir" in message


@pytest.mark.parametrize("code", ["00", "13", "14", "15", "19", "20"])
def test_tmt_month_00_and_13_to_20_are_refused_naming_digits_13_14(code):
    message = nip_error(f"198609262015{code}1001")
    assert "Digit 13–14" in message
    assert "bulan TMT CPNS (01–12)" in message
    assert "21 ke atas untuk PPPK" in message


@pytest.mark.parametrize("tmt_year", ["1980", "1986"])
def test_pns_tmt_year_not_after_birth_year_is_refused(tmt_year):
    message = nip_error(f"19860926{tmt_year}051001")
    assert "Digit 9–12" in message
    assert "TMT CPNS" in message
    assert "sesudah tahun lahir" in message


def test_pppk_appointment_year_before_birth_is_refused_naming_the_appointment_year():
    message = nip_error("199203151990212003")
    assert "Digit 9–12 NI PPPK" in message
    assert "tahun pengangkatan" in message


def test_tmt_year_in_the_future_is_refused():
    message = nip_error("198609262030051001")
    assert "Digit 9–12" in message
    assert "masa depan" in message


@pytest.mark.parametrize("gender", ["0", "3", "9"])
def test_gender_digit_other_than_1_or_2_is_refused_naming_digit_15(gender):
    message = nip_error(f"19860926201505{gender}001")
    assert "Digit ke-15" in message
    assert "jenis kelamin" in message
    assert "1 (laki-laki) atau 2 (perempuan)" in message


@pytest.mark.parametrize(("nip", "length"), [(PNS_NIP[:17], 17), (PNS_NIP + "1", 19), ("1986", 4)])
def test_wrong_length_is_refused_saying_how_many_digits_were_typed(nip, length):
    message = nip_error(nip)
    assert "18 digit" in message
    assert f"{length} digit" in message


@pytest.mark.parametrize(
    "nip",
    [
        "19860926201505100A",
        "NIP198609262015051",
        "19860926/201505/1/001",
        "١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١",  # Arabic-Indic digits: isdigit() but not ASCII
        "198609262015051⁰01",
    ],
)
def test_letters_and_other_characters_are_refused(nip):
    assert "hanya boleh berisi angka" in nip_error(nip)


@pytest.mark.parametrize("raw", ["", "   ", None, " . - "])
def test_empty_nip_is_refused_as_required(raw):
    assert nip_error(raw) == "NIP wajib diisi."


def test_messages_are_in_indonesian_not_english():
    for raw in ("", "abc", "123", "198602302015051001", "198609262015001001", "198609262015053001"):
        message = nip_error(raw)
        assert "NIP" in message
        for english in ("must", "invalid", "digits", "required", "date"):
            assert english not in message.lower().split()


def test_format_nip_groups_the_digits_as_printed_on_documents():
    assert format_nip(PNS_NIP) == "19860926 201505 1 001"
    assert format_nip(PPPK_NIP) == "19920315 202221 2 003"


def test_format_nip_leaves_anything_that_is_not_18_digits_alone():
    assert format_nip("12345") == "12345"
    assert format_nip("") == ""


def test_mask_nip_hides_birth_day_and_tmt_but_keeps_length():
    masked = mask_nip(PNS_NIP)
    assert len(masked) == 18
    assert masked == "1986**********1001"
    assert "0926" not in masked  # birth month and day
    assert "201505" not in masked  # TMT


def test_mask_nip_of_something_else_reveals_nothing():
    assert mask_nip("12345") == "*****"
