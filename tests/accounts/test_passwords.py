"""Password policy (length, common list, NIP and birth date) and one-time codes."""

from __future__ import annotations

import re

import pytest

from lms.accounts.passwords import (
    CODE_ALPHABET,
    MAX_LENGTH,
    MIN_LENGTH,
    check_password_policy,
    common_passwords,
    hash_code,
    new_one_time_code,
    normalise_code,
)
from lms.errors import ValidationError

NIP = "198609262015051001"  # born 26 September 1986


def policy_error(password: str, nip: str | None = NIP) -> str:
    with pytest.raises(ValidationError) as excinfo:
        check_password_policy(password, nip)
    return excinfo.value.message


@pytest.mark.parametrize("password", ["Lentera-Belajar-2026", "kopi tubruk di Simpang Lima", "Xq7!mT2#"])
def test_a_good_password_passes(password):
    check_password_policy(password, NIP)  # raises on refusal


def test_exactly_min_length_passes_and_one_less_is_refused():
    check_password_policy("Xq7!mT2#", NIP)
    assert len("Xq7!mT2#") == MIN_LENGTH
    assert f"minimal {MIN_LENGTH} karakter" in policy_error("Xq7!mT2")


def test_overlong_password_is_refused():
    assert f"maksimal {MAX_LENGTH} karakter" in policy_error("Ab1-" * 33)


@pytest.mark.parametrize("password", ["password", "bismillah123", "Semarang2026", "INDONESIA", "katasandi1"])
def test_common_passwords_are_refused_whatever_the_case(password):
    assert "terlalu umum" in policy_error(password)


def test_common_list_has_a_few_thousand_entries_of_policy_length():
    entries = common_passwords()
    assert len(entries) >= 3000
    assert "bismillah" in entries
    assert not any(entry.startswith("#") for entry in entries)


def test_password_of_one_repeated_character_is_refused():
    assert "terlalu sederhana" in policy_error("zzzzzzzzzzzz")


@pytest.mark.parametrize(
    "password",
    ["Budi198609262015051001", "198609262015051001", "nip 19860926201505 saya", "x2015051001x!"],
)
def test_password_containing_the_nip_is_refused(password):
    assert "NIP" in policy_error(password)


@pytest.mark.parametrize(
    "password",
    [
        "Semarang-19860926",  # YYYYMMDD
        "Lahir26091986!",  # DDMMYYYY
        "26-09-1986-Kopi",  # DD-MM-YYYY: digits joined
        "Kopi860926tubruk",  # YYMMDD
        "Teh260986manis",  # DDMMYY
    ],
)
def test_password_containing_the_birth_date_is_refused(password):
    assert "tanggal lahir" in policy_error(password)


def test_birth_date_rule_only_applies_when_the_nip_is_known():
    check_password_policy("Lahir26091986!", None)


def test_another_persons_birth_date_is_allowed():
    check_password_policy("Lahir26091986!", "199203152022212003")


def test_one_time_code_has_three_groups_of_four_from_an_unambiguous_alphabet():
    code = new_one_time_code()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_one_time_codes_are_random():
    codes = {new_one_time_code() for _ in range(200)}
    assert len(codes) == 200


def test_code_hash_is_sha256_hex_and_never_the_code():
    code = new_one_time_code()
    digest = hash_code(code)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert normalise_code(code) not in digest.upper()
    assert hash_code(new_one_time_code()) != digest


def test_code_hash_ignores_case_dashes_and_spaces_as_typed_from_paper():
    assert hash_code("K7QP-M2XD-9TRA") == hash_code("k7qp m2xd 9tra") == hash_code("K7QPM2XD9TRA")
    assert hash_code("K7QP-M2XD-9TRA") != hash_code("K7QP-M2XD-9TRB")
