"""NIP (PNS) and NI PPPK: normalising, validating and reading the 18 digits. Pure (today is WIB's, from lms.dates)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lms import dates
from lms.errors import ValidationError

PNS = "PNS"
PPPK = "PPPK"
EMPLOYEE_TYPES = (PNS, PPPK)
_SEPARATORS = re.compile(r"[\s.\-]+")


@dataclass(frozen=True)
class NipInfo:
    nip: str
    employee_type: str
    birth_date: date
    gender: str  # "L" or "P"
    start_year: int
    start_month: int | None  # TMT CPNS month for PNS; None for PPPK


def normalise_nip(raw: str | None) -> str:
    """The NIP as 18 bare digits: spaces, dots and hyphens that people type are removed."""
    return _SEPARATORS.sub("", raw or "")


def nip_search_digits(text: str | None) -> str | None:
    """The digits to look for among NIPs when a search box holds a NIP, whole or in part, as people type
    or print it ("19721114 200611 2 492", "19721114-200611", "197211142006112492"); None when the text
    is anything else (a name, a certificate number). The one NIP reader of every search box."""
    digits = normalise_nip(text)
    return digits if digits.isascii() and digits.isdigit() else None


def parse_nip(raw: str | None, *, today: date | None = None) -> NipInfo:
    """Read a PNS NIP or an NI PPPK; raises ValidationError naming the part that is wrong.

    Digits 1–8 are the birth date (YYYYMMDD). For a PNS, digits 9–14 are the TMT CPNS year and
    month (13–14 from 01 to 12); for PPPK, digits 9–12 are the appointment year and 13–14 a code of
    21 or more. Digit 15 is the gender (1 male, 2 female); 16–18 a sequence number.
    """
    nip = normalise_nip(raw)
    today = today or dates.today()
    if not nip:
        raise ValidationError("NIP wajib diisi.")
    if not nip.isdigit() or not nip.isascii():
        raise ValidationError("NIP hanya boleh berisi angka (18 digit).")
    if len(nip) != 18:
        raise ValidationError(f"NIP harus 18 digit; yang Anda isi {len(nip)} digit.")
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError("Digit 1–8 NIP harus tanggal lahir yang benar (TTTTBBHH), misalnya 19860926.") from None
    if birth.year < 1930 or birth > today:
        raise ValidationError("Digit 1–8 NIP (tanggal lahir) berada di luar rentang yang wajar.")
    start_year = int(nip[8:12])
    code = int(nip[12:14])
    if 1 <= code <= 12:
        employee_type, start_month = PNS, code
        part = "Digit 9–12 NIP (tahun TMT CPNS)"
    elif code >= 21:
        employee_type, start_month = PPPK, None
        part = "Digit 9–12 NI PPPK (tahun pengangkatan)"
    else:
        raise ValidationError(
            "Digit 13–14 NIP harus bulan TMT CPNS (01–12) untuk PNS, atau kode 21 ke atas untuk PPPK."
        )
    if start_year <= birth.year or start_year > today.year + 1:
        raise ValidationError(f"{part} harus sesudah tahun lahir dan tidak di masa depan.")
    gender_digit = nip[14]
    if gender_digit not in "12":
        raise ValidationError("Digit ke-15 NIP (jenis kelamin) harus 1 (laki-laki) atau 2 (perempuan).")
    return NipInfo(
        nip=nip,
        employee_type=employee_type,
        birth_date=birth,
        gender="L" if gender_digit == "1" else "P",
        start_year=start_year,
        start_month=start_month,
    )


def format_nip(nip: str) -> str:
    """The NIP grouped as printed on documents: 19860926 201505 1 001."""
    if len(nip) != 18:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def mask_nip(nip: str) -> str:
    """The NIP with its middle digits hidden, for public pages: 198609******** 1001 style."""
    if len(nip) != 18:
        return "*" * len(nip)
    return f"{nip[:4]}{'*' * 10}{nip[14:]}"
