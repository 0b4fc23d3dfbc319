"""Certificate numbers PREFIX/YYYY/NNNNNN and verification codes."""

from __future__ import annotations

import pytest

from lms.certificates.numbering import (
    check_prefix,
    format_number,
    is_well_formed_code,
    new_verification_code,
    parse_number,
    verification_url,
)
from lms.errors import ValidationError


def test_number_format_and_round_trip() -> None:
    assert format_number("LMS", 2026, 123) == "LMS/2026/000123"
    assert parse_number("LMS/2026/000123") == ("LMS", 2026, 123)


def test_prefix_may_hold_slashes_like_indonesian_letter_numbers() -> None:
    number = format_number("800/BKPP", 2026, 7)
    assert number == "800/BKPP/2026/000007"
    assert parse_number(number) == ("800/BKPP", 2026, 7)


def test_sequence_widens_instead_of_wrapping() -> None:
    assert format_number("LMS", 2026, 1_234_567) == "LMS/2026/1234567"
    assert parse_number("LMS/2026/1234567")[2] == 1_234_567


@pytest.mark.parametrize("prefix", ["", "LMS ", "L M S", "/LMS", "LMS/", "LMS//X", "LMS\n", "LMS;DROP", "A" * 41])
def test_bad_prefix_is_refused(prefix: str) -> None:
    with pytest.raises(ValidationError):
        check_prefix(prefix)


@pytest.mark.parametrize("number", ["", "LMS-2026-000123", "LMS/26/000123", "LMS/2026/123", "LMS/2026/000123\n"])
def test_malformed_number_is_refused(number: str) -> None:
    with pytest.raises(ValidationError):
        parse_number(number)


def test_sequence_starts_at_one() -> None:
    with pytest.raises(ValueError):
        format_number("LMS", 2026, 0)


def test_verification_codes_are_long_random_and_url_safe() -> None:
    codes = {new_verification_code() for _ in range(1000)}
    assert len(codes) == 1000
    for code in list(codes)[:50]:
        assert len(code) == 32  # 24 random bytes = 192 bits
        assert is_well_formed_code(code)
        assert verification_url("https://x.test", code).endswith("/verifikasi/" + code)


@pytest.mark.parametrize("code", [None, "", "short", "a" * 31, "a" * 129, "a" * 31 + "/", "a" * 32 + "\n", "ä" * 32])
def test_junk_codes_are_not_well_formed(code) -> None:
    assert not is_well_formed_code(code)


def test_verification_url_ignores_a_trailing_slash() -> None:
    assert verification_url("https://lentera.test/", "abc") == "https://lentera.test/verifikasi/abc"
