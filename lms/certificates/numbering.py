"""Certificate numbers (PREFIX/YYYY/NNNNNN, a sequence per year) and verification codes. Pure."""

from __future__ import annotations

import re
import secrets

from lms.errors import ValidationError

DEFAULT_PREFIX = "LMS"
SEQUENCE_DIGITS = 6
# 24 random bytes = 192 bits, 32 URL-safe characters: far beyond guessing, short enough for a QR code.
VERIFICATION_CODE_BYTES = 24
VERIFICATION_CODE_LENGTH = 32

# A prefix may itself hold slashes, as Indonesian letter numbers do ("800/BKPP"), but no spaces.
_PREFIX = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.\-/]{0,38}[A-Za-z0-9])?$")
_NUMBER = re.compile(r"^(?P<prefix>.+)/(?P<year>\d{4})/(?P<seq>\d{6,})$")
_CODE = re.compile(rf"^[A-Za-z0-9_-]{{{VERIFICATION_CODE_LENGTH},128}}$")


def check_prefix(prefix: str) -> str:
    """The prefix when it is usable in a number (letters, digits, '.', '-', '/'); else ValidationError."""
    if not _PREFIX.fullmatch(prefix or "") or "//" in prefix:
        raise ValidationError(
            f"Awalan nomor sertifikat {prefix!r} tidak sah: gunakan huruf, angka, titik, tanda hubung atau "
            "garis miring (maksimal 40 karakter), misalnya LMS atau BKPP/LMS."
        )
    return prefix


def format_number(prefix: str, year: int, sequence: int) -> str:
    """'LMS/2026/000123'. The sequence starts at 1 each year and widens past 999,999 rather than wrap."""
    if sequence < 1:
        raise ValueError("certificate sequence starts at 1")
    if not 1900 <= year <= 9999:
        raise ValueError("year out of range")
    return f"{check_prefix(prefix)}/{year:04d}/{sequence:0{SEQUENCE_DIGITS}d}"


def parse_number(number: str) -> tuple[str, int, int]:
    """(prefix, year, sequence) from a number made by format_number; ValidationError otherwise."""
    match = _NUMBER.fullmatch(number or "")
    if not match:
        raise ValidationError(f"Nomor sertifikat {number!r} tidak sesuai format AWALAN/TAHUN/NOMOR URUT.")
    return match["prefix"], int(match["year"]), int(match["seq"])


def new_verification_code() -> str:
    """A fresh random verification code: 192 bits from the OS's CSPRNG, URL-safe (32 characters)."""
    return secrets.token_urlsafe(VERIFICATION_CODE_BYTES)


def is_well_formed_code(code: str | None) -> bool:
    """Whether `code` could be a verification code; lets a view skip the database for junk.

    Callers must answer a malformed code exactly as an unknown one, so nothing tells them apart.
    """
    return bool(code) and bool(_CODE.fullmatch(code))


def verification_url(public_url: str, code: str) -> str:
    """The public page a certificate's QR code leads to: LMS_PUBLIC_URL + '/verifikasi/<code>'."""
    return f"{public_url.rstrip('/')}/verifikasi/{code}"
