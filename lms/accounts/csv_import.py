"""Bulk import of ASN accounts from CSV: parse and validate the whole file before anything is written."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lms.accounts.models import PESERTA, ROLES, User
from lms.accounts.nip import parse_nip
from lms.accounts.services import IssuedCode, create_user, get_or_create_opd, issue_code, record_audit
from lms.csvutil import as_text, write_csv
from lms.errors import ValidationError

REQUIRED_COLUMNS = ("nip", "nama", "email", "opd", "jabatan", "peran")
_ROLE_SPLIT = re.compile(r"[|/+,\s]+")
MAX_ROWS = 20000
MAX_LENGTHS = {"nama": 200, "email": 254, "opd": 200, "jabatan": 200}  # the columns' sizes in the database


@dataclass(frozen=True)
class ImportRow:
    line: int
    nip: str
    name: str
    email: str | None
    opd: str | None
    jabatan: str | None
    roles: tuple[str, ...]


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def is_clean(self) -> bool:
        return not self.errors and bool(self.rows)


class CsvFileError(ValidationError):
    """The file as a whole cannot be read; `line` is where the trouble starts."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def decode_csv(data: bytes) -> str:
    """UTF-8 with or without BOM; raises CsvFileError naming the line of the first byte that is not text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            data[: exc.start].count(b"\n") + 1,
            'Berkas bukan teks UTF-8. Di Excel, simpan sebagai "CSV UTF-8 (Comma delimited)".',
        ) from None
    if "\x00" in text:  # a UTF-16 or binary file; PostgreSQL would refuse the byte anyway
        raise CsvFileError(
            text[: text.index("\x00")].count("\n") + 1,
            'Berkas memuat karakter NUL (bukan CSV biasa). Di Excel, simpan sebagai "CSV UTF-8 (Comma delimited)".',
        )
    return text


def sniff_delimiter(text: str) -> str:
    """`;` (what Excel writes in Indonesian locales) or `,`, decided from the header line."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def parse_import_csv(data: bytes, nip_exists: Callable[[Iterable[str]], set[str]]) -> ImportPreview:
    """Check every row; `nip_exists` returns which of the given NIPs are already registered.

    Errors name the line: invalid NIP, NIP twice in the file or already present, unknown role,
    missing name, a value too long, a missing column, or a file that is not UTF-8 text.
    """
    preview = ImportPreview()
    try:
        text = decode_csv(data)
    except CsvFileError as exc:
        preview.errors.append((exc.line, exc.message))
        return preview
    if not text.strip():
        preview.errors.append((1, "Berkas kosong."))
        return preview
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        preview.errors.append((1, f"Baris judul tidak dapat dibaca: {exc}"))
        return preview
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        preview.errors.append(
            (1, f"Kolom wajib tidak ada: {', '.join(missing)}. Baris pertama harus: {', '.join(REQUIRED_COLUMNS)}.")
        )
        return preview
    index = {name: columns.index(name) for name in REQUIRED_COLUMNS}
    seen: dict[str, int] = {}
    candidates: list[ImportRow] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(candidates) + len(preview.errors) >= MAX_ROWS:
                preview.errors.append((line, f"Berkas terlalu besar: maksimal {MAX_ROWS} baris sekali impor."))
                break
            values = {name: (record[i].strip() if i < len(record) else "") for name, i in index.items()}
            cell = values.__getitem__
            problems: list[str] = []
            nip = ""
            try:
                nip = parse_nip(cell("nip")).nip
            except ValidationError as exc:
                problems.append(exc.message)
            if nip and nip in seen:
                problems.append(f"NIP {nip} sudah muncul di baris {seen[nip]}.")
            elif nip:
                seen[nip] = line
            name = " ".join(cell("nama").split())
            if not name:
                problems.append("Nama wajib diisi.")
            roles = tuple(r for r in _ROLE_SPLIT.split(cell("peran").lower()) if r) or (PESERTA,)
            unknown = [r for r in roles if r not in ROLES]
            if unknown:
                problems.append(f"Peran tidak dikenal: {', '.join(unknown)} (pilihan: {', '.join(ROLES)}).")
            for column, limit in MAX_LENGTHS.items():
                if len(cell(column)) > limit:
                    problems.append(f"Kolom {column} terlalu panjang: maksimal {limit} karakter.")
            email = cell("email") or None
            if email and ("@" not in email or " " in email):
                problems.append(f"Alamat email tidak sah: {email}.")
            if problems:
                preview.errors.extend((line, problem) for problem in problems)
                continue
            candidates.append(ImportRow(line, nip, name, email, cell("opd") or None, cell("jabatan") or None, roles))
    except csv.Error as exc:
        preview.errors.append((reader.line_num, f"Format CSV rusak: {exc}"))
    existing = nip_exists([row.nip for row in candidates]) if candidates else set()
    for row in candidates:
        if row.nip in existing:
            preview.errors.append((row.line, f"NIP {row.nip} sudah terdaftar."))
        else:
            preview.rows.append(row)
    if not candidates and not preview.errors:
        preview.errors.append((1, "Tidak ada baris data di bawah baris judul."))
    preview.errors.sort()
    return preview


def import_rows(rows: list[ImportRow], *, actor: User | None) -> list[IssuedCode]:
    """Create every account with an activation code; raises on the first problem (caller rolls back)."""
    issued: list[IssuedCode] = []
    opds: dict[str, object] = {}
    for row in rows:
        opd = None
        if row.opd:
            key = row.opd.lower()
            if key not in opds:
                opds[key] = get_or_create_opd(row.opd)
            opd = opds[key]
        user = create_user(
            nip=row.nip, name=row.name, email=row.email, opd=opd, jabatan=row.jabatan, roles=row.roles, actor=actor
        )
        user.must_change_password = True
        issued.append(issue_code(user, "activation"))
    record_audit(actor, "users.import", None, f"{len(rows)} akun diimpor dari CSV", nips=[r.nip for r in rows])
    return issued


def codes_csv(codes: Iterable[tuple[str, str, str, str]]) -> str:
    """The activation codes for HR to hand out: nip, nama, kode_aktivasi, berlaku_sampai.

    The NIP is written as text (="…", see lms.csvutil): opened in Excel, an 18-digit number would keep
    only 15 significant digits and every NIP would end in 000.
    """
    return write_csv(
        ["nip", "nama", "kode_aktivasi", "berlaku_sampai"],
        ((as_text(nip), name, code, until) for nip, name, code, until in codes),
    )
