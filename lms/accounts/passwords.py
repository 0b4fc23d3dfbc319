"""Password policy and one-time codes. Pure, no Flask."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache
from pathlib import Path

from lms.errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).with_name("data") / "common-passwords.txt"
# No 0/O, 1/I/L: codes are read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def check_password_policy(password: str, nip: str | None = None) -> None:
    """Refuse a password that is short, common, or built from the NIP or the birth date in it."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"Kata sandi minimal {MIN_LENGTH} karakter.")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"Kata sandi maksimal {MAX_LENGTH} karakter.")
    lowered = password.lower()
    if lowered in common_passwords():
        raise ValidationError("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain.")
    if len(set(password)) <= 2:
        raise ValidationError("Kata sandi terlalu sederhana (hampir semua karakternya sama).")
    if nip:
        digits = "".join(ch for ch in password if ch.isdigit())
        birth = nip[:8]
        birth_forms = {birth, birth[6:8] + birth[4:6] + birth[0:4], birth[2:8], birth[6:8] + birth[4:6] + birth[2:4]}
        if nip in digits or nip[:14] in digits or nip[-10:] in digits:
            raise ValidationError("Kata sandi tidak boleh memuat NIP Anda.")
        if any(form in digits for form in birth_forms):
            raise ValidationError("Kata sandi tidak boleh memuat tanggal lahir Anda.")


def new_one_time_code() -> str:
    """A random code for activation or reset, e.g. 'K7QP-M2XD-9TRA' (about 59 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    """Codes are random and short-lived, so a fast hash is enough; the plain code is never stored."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()
