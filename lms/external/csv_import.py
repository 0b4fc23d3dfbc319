"""Bulk import of external training from CSV (HR): every line is checked before anything is written.

Reads the file the one way accounts' import does (`decode_csv`, `sniff_delimiter`); each line is checked
by the same rules as the form (`services.clean_training`), then against the database: the NIP must be
a person within the importing HR's scope, and the training must not be recorded already.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from lms.accounts.csv_import import CsvFileError, decode_csv, sniff_delimiter
from lms.accounts.models import Opd, User
from lms.accounts.nip import parse_nip
from lms.errors import ValidationError
from lms.extensions import db
from lms.external.models import REJECTED, ExternalTraining
from lms.external.services import TrainingInput, clean_training

# The header, in this order in the template; the certificate number may be left out.
COLUMNS = (
    "nip",
    "nama_pelatihan",
    "penyelenggara",
    "jenis",
    "tanggal_mulai",
    "tanggal_selesai",
    "jp",
    "nomor_sertifikat",
)
REQUIRED_COLUMNS = COLUMNS[:-1]
FIELD_OF = {
    "nama_pelatihan": "name",
    "penyelenggara": "organiser",
    "jenis": "kind",
    "tanggal_mulai": "start_on",
    "tanggal_selesai": "end_on",
    "jp": "jp",
    "nomor_sertifikat": "certificate_number",
}
COLUMN_OF = {value: key for key, value in FIELD_OF.items()}
MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportRow:
    line: int
    user: User
    data: TrainingInput


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def is_clean(self) -> bool:
        return not self.errors and bool(self.rows)


def _header_name(cell: str) -> str:
    return "_".join(cell.strip().lower().split())


def _people(nips: set[str]) -> dict[str, User]:
    if not nips:
        return {}
    return {u.nip: u for u in db.session.scalars(select(User).where(User.nip.in_(sorted(nips))))}


def _recorded(keys: set[tuple[int, str, date]]) -> set[tuple[int, str, date]]:
    """Which (user id, lower-cased name, end date) are recorded already (not rejected), in one query."""
    if not keys:
        return set()
    user_ids = sorted({k[0] for k in keys})
    rows = db.session.execute(
        select(ExternalTraining.user_id, func.lower(ExternalTraining.name), ExternalTraining.end_on).where(
            ExternalTraining.user_id.in_(user_ids),
            ExternalTraining.end_on.in_(sorted({k[2] for k in keys})),
            ExternalTraining.status != REJECTED,
        )
    ).all()
    return {(user_id, name, end_on) for user_id, name, end_on in rows} & keys


def parse_external_csv(data: bytes, scope: Opd | None, today: date, importer_id: int | None = None) -> ImportPreview:
    """Check every line of the file. Errors name the line: unknown NIP, a person outside the importing
    HR's OPD (said as unknown), dates not real, in the future or the end before the start, JP not a whole
    number from 1 to 1000, an unknown kind, a missing field, the same training twice in the file or
    already recorded (same person, name and end date), the importer's own NIP, or a file that is not UTF-8
    CSV."""
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
        header = [_header_name(cell) for cell in next(reader)]
    except (csv.Error, StopIteration) as exc:
        preview.errors.append((1, f"Baris judul tidak dapat dibaca: {exc}"))
        return preview
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        preview.errors.append(
            (1, f"Kolom wajib tidak ada: {', '.join(missing)}. Baris pertama harus: {', '.join(COLUMNS)}.")
        )
        return preview
    index = {name: header.index(name) for name in COLUMNS if name in header}
    parsed: list[tuple[int, str, TrainingInput]] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(parsed) + len(preview.errors) >= MAX_ROWS:
                preview.errors.append((line, f"Berkas terlalu besar: maksimal {MAX_ROWS} baris sekali impor."))
                break
            cells = {name: (record[i].strip() if i < len(record) else "") for name, i in index.items()}
            problems: list[str] = []
            nip = ""
            try:
                nip = parse_nip(cells["nip"]).nip
            except ValidationError as exc:
                problems.append(exc.message)
            training, errors = clean_training({FIELD_OF[k]: v for k, v in cells.items() if k in FIELD_OF}, today)
            problems += [f"{COLUMN_OF[key]}: {message}" for key, message in errors.items()]
            if problems:
                preview.errors.extend((line, problem) for problem in problems)
                continue
            parsed.append((line, nip, training))
    except csv.Error as exc:
        preview.errors.append((reader.line_num, f"Format CSV rusak: {exc}"))
    people = _people({nip for _, nip, _ in parsed})
    seen: dict[tuple[int, str, date], int] = {}
    candidates: list[ImportRow] = []
    for line, nip, training in parsed:
        user = people.get(nip)
        if user is None or (scope is not None and user.opd_id != scope.id):
            # Outside her OPD answers like unknown: a scoped HR learns nothing about other OPDs' people.
            where = f" di {scope.name}" if scope is not None else ""
            preview.errors.append((line, f"NIP {nip} tidak terdaftar{where}."))
            continue
        if user.id == importer_id:
            preview.errors.append((line, f"NIP {nip} adalah NIP Anda sendiri: mintalah kepada petugas HR lain."))
            continue
        key = (user.id, training.name.lower(), training.end_on)
        if key in seen:
            preview.errors.append((line, f"Pelatihan yang sama untuk NIP {nip} sudah ada di baris {seen[key]}."))
            continue
        seen[key] = line
        candidates.append(ImportRow(line, user, training))
    recorded = _recorded(set(seen))
    for row in candidates:
        if (row.user.id, row.data.name.lower(), row.data.end_on) in recorded:
            preview.errors.append(
                (
                    row.line,
                    f"Sudah tercatat: {row.data.name} ({row.data.end_on.isoformat()}) untuk NIP {row.user.nip}.",
                )
            )
        else:
            preview.rows.append(row)
    if not parsed and not preview.errors:
        preview.errors.append((1, "Tidak ada baris data di bawah baris judul."))
    preview.errors.sort()
    return preview
