"""Reading a roster CSV (pure, no database): every row checked on its own before anything is planned.

What the rows mean for the accounts already registered — created, updated, deactivated — is decided by
`lms.accounts.roster`; this module only reads the file, names the line of every problem, and formats the
activation codes handed out afterwards.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lms.accounts.models import PESERTA, ROLES
from lms.accounts.nip import EMPLOYEE_TYPES, parse_nip
from lms.csvutil import as_text, write_csv
from lms.errors import ValidationError

REQUIRED_COLUMNS = ("nip", "nama", "opd")
OPTIONAL_COLUMNS = ("email", "unit_kerja", "jabatan", "pangkat_golongan", "jenis_pegawai", "peran")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# Headings people write for the same column (BKPP exports, hand-made sheets).
_ALIASES = {
    "e-mail": "email",
    "surel": "email",
    "unit": "unit_kerja",
    "pangkat": "pangkat_golongan",
    "golongan": "pangkat_golongan",
    "pangkat/golongan": "pangkat_golongan",
    "pangkat/gol": "pangkat_golongan",
    "jenis": "jenis_pegawai",
    "kode_opd": "opd",
    "nama_opd": "opd",
}
_ROLE_SPLIT = re.compile(r"[|/+,\s]+")
MAX_ROWS = 20000
# The columns' sizes in the database.
MAX_LENGTHS = {
    "nama": 200,
    "email": 254,
    "opd": 200,
    "unit_kerja": 200,
    "jabatan": 200,
    "pangkat_golongan": 100,
    "jenis_pegawai": 8,
}


@dataclass(frozen=True)
class RosterRow:
    """One person as the file gives her. `None` means the cell (or its column) is empty: leave as is."""

    line: int
    nip: str
    employee_type: str  # read from the NIP
    name: str
    opd: str | None
    email: str | None = None
    unit_kerja: str | None = None
    jabatan: str | None = None
    pangkat_golongan: str | None = None
    roles: tuple[str, ...] | None = None


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


class CsvFileError(ValidationError):
    """The file as a whole cannot be read; `line` is where the trouble starts."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


_SAVE_AS = 'Di Excel, simpan sebagai "CSV UTF-8 (Comma delimited)".'


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without BOM; raises CsvFileError naming the line of the first byte that is not text.

    A UTF-16 file (what Excel writes as "Unicode Text") is named as such rather than as a stray byte.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise CsvFileError(1, f"Berkas tersimpan sebagai UTF-16 (Unicode), bukan UTF-8. {_SAVE_AS}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            data[: exc.start].count(b"\n") + 1, f"Berkas bukan teks UTF-8 (atau bukan berkas teks). {_SAVE_AS}"
        ) from None
    if "\x00" in text:  # a UTF-16 file without BOM, or binary; PostgreSQL would refuse the byte anyway
        raise CsvFileError(
            text[: text.index("\x00")].count("\n") + 1,
            f"Berkas memuat karakter NUL (bukan CSV biasa; mungkin UTF-16 atau berkas biner). {_SAVE_AS}",
        )
    return text


def sniff_delimiter(text: str) -> str:
    """`;` (what Excel writes in Indonesian locales) or `,`, decided from the header line."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def column_name(heading: str) -> str:
    """A heading as the column it names: case, spaces and the usual aliases do not matter."""
    name = " ".join(heading.strip().lower().split())
    name = _ALIASES.get(name, name).replace(" ", "_")
    return _ALIASES.get(name, name)


def parse_roster_csv(data: bytes) -> ParsedRoster:
    """Check every row of a roster file on its own.

    Errors name the line: invalid NIP, the same NIP twice, a jenis_pegawai that is not the NIP's, an unknown
    role, a missing name, a bad e-mail, a value too long, a missing column, a file that is not UTF-8 text,
    more than MAX_ROWS rows. Whether a NIP, OPD or e-mail fits the accounts registered is `roster`'s job.
    """
    parsed = ParsedRoster()
    try:
        text = decode_csv(data)
    except CsvFileError as exc:
        parsed.errors.append((exc.line, exc.message))
        return parsed
    if not text.strip():
        parsed.errors.append((1, "Berkas kosong."))
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        parsed.errors.append((1, f"Baris judul tidak dapat dibaca: {exc}"))
        return parsed
    columns = [column_name(name) for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        parsed.errors.append(
            (
                1,
                f"Kolom wajib tidak ada: {', '.join(missing)}. Baris pertama harus memuat {', '.join(REQUIRED_COLUMNS)}"
                f" (boleh ditambah {', '.join(OPTIONAL_COLUMNS)}).",
            )
        )
        return parsed
    index = {name: columns.index(name) for name in COLUMNS if name in columns}
    seen: dict[str, int] = {}
    count = 0
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            count += 1
            if count > MAX_ROWS:
                parsed.errors.append((line, f"Berkas terlalu besar: maksimal {MAX_ROWS} baris sekali impor."))
                break
            values = {name: (" ".join(record[i].split()) if i < len(record) else "") for name, i in index.items()}
            row, problems = _read_row(line, values, seen)
            if problems:
                parsed.errors.extend((line, problem) for problem in problems)
            else:
                parsed.rows.append(row)
    except csv.Error as exc:
        parsed.errors.append((reader.line_num, f"Format CSV rusak: {exc}"))
    if count == 0 and not parsed.errors:
        parsed.errors.append((1, "Tidak ada baris data di bawah baris judul."))
    parsed.errors.sort()
    return parsed


def _read_row(line: int, values: dict[str, str], seen: dict[str, int]) -> tuple[RosterRow | None, list[str]]:
    def cell(name: str) -> str | None:
        return values.get(name) or None

    problems: list[str] = []
    nip = employee_type = ""
    try:
        info = parse_nip(values["nip"])
        nip, employee_type = info.nip, info.employee_type
    except ValidationError as exc:
        problems.append(exc.message)
    if nip and nip in seen:
        problems.append(f"NIP {nip} sudah muncul di baris {seen[nip]}.")
    elif nip:
        seen[nip] = line
    name = values["nama"]
    if not name:
        problems.append("Nama wajib diisi.")
    given_type = (cell("jenis_pegawai") or "").upper()
    if given_type and given_type not in EMPLOYEE_TYPES:
        problems.append(f"Jenis pegawai tidak dikenal: {given_type} (pilihan: {', '.join(EMPLOYEE_TYPES)}).")
    elif given_type and employee_type and given_type != employee_type:
        problems.append(
            f"NIP {nip} adalah NIP {employee_type}, tetapi kolom jenis_pegawai berisi {given_type}. Jenis pegawai "
            "mengikuti NIP; PPPK yang diangkat menjadi PNS mendapat NIP baru."
        )
    roles = None
    if cell("peran"):
        roles = tuple(dict.fromkeys(r for r in _ROLE_SPLIT.split(values["peran"].lower()) if r)) or (PESERTA,)
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            problems.append(f"Peran tidak dikenal: {', '.join(unknown)} (pilihan: {', '.join(ROLES)}).")
    for column, limit in MAX_LENGTHS.items():
        if len(values.get(column, "")) > limit:
            problems.append(f"Kolom {column} terlalu panjang: maksimal {limit} karakter.")
    email = cell("email")
    if email and ("@" not in email or " " in email or email.startswith("@") or email.endswith("@")):
        problems.append(f"Alamat email tidak sah: {email}.")
    if problems:
        return None, problems
    return (
        RosterRow(
            line=line,
            nip=nip,
            employee_type=employee_type,
            name=name,
            opd=cell("opd"),
            email=email,
            unit_kerja=cell("unit_kerja"),
            jabatan=cell("jabatan"),
            pangkat_golongan=cell("pangkat_golongan"),
            roles=roles,
        ),
        [],
    )


def codes_csv(codes: Iterable[tuple[str, str, str, str]]) -> str:
    """The activation codes for HR to hand out: nip, nama, kode_aktivasi, berlaku_sampai.

    The NIP is written as text (="…", see lms.csvutil): opened in Excel, an 18-digit number would keep
    only 15 significant digits and every NIP would end in 000.
    """
    return write_csv(
        ["nip", "nama", "kode_aktivasi", "berlaku_sampai"],
        ((as_text(nip), name, code, until) for nip, name, code, until in codes),
    )
