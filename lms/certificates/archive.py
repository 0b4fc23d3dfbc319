"""ZIPs of certificate PDFs, streamed chunk by chunk (the HR desk) or written to a file (the CLI)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO

from sqlalchemy import Select, select

from lms import dates
from lms.certificates.exports import certificate_filename
from lms.certificates.models import Certificate, CertificateFile
from lms.certificates.pdf import render_certificate_pdf
from lms.certificates.services import certificate_settings
from lms.extensions import db

BATCH = 200


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = dates.local_datetime(moment)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def entries(certificates: Select) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
    """(member, PDF) for each certificate the statement selects, in its order, reading PDFs in batches.

    The stored PDF is used; a certificate without one is rendered from its snapshot (same bytes).
    """
    ids = list(db.session.scalars(certificates.with_only_columns(Certificate.id)))
    settings = None
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = db.session.execute(
            select(Certificate, CertificateFile.pdf)
            .outerjoin(CertificateFile, CertificateFile.certificate_id == Certificate.id)
            .where(Certificate.id.in_(chunk))
        ).all()
        by_id = {certificate.id: (certificate, pdf) for certificate, pdf in rows}
        for certificate_id in chunk:
            certificate, pdf = by_id[certificate_id]
            if pdf is None:
                settings = settings or certificate_settings()
                pdf = render_certificate_pdf(certificate.snapshot(), settings)
            name = certificate_filename(certificate.nip, certificate.module_slug, certificate.number)
            info = zipfile.ZipInfo(name, date_time=_zip_time(certificate.issued_at))
            info.compress_type = zipfile.ZIP_STORED  # PDFs are compressed already
            yield info, pdf
        for certificate, _pdf in rows:
            db.session.expunge(certificate)  # keep memory flat over thousands of certificates


class _Chunks:
    """A write-only, non-seekable file for zipfile: what is written is collected until drained."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def stream_zip(certificates: Select) -> Iterator[bytes]:
    """The ZIP as chunks, one certificate at a time: memory stays flat and the download starts at once."""
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for info, pdf in entries(certificates):
            archive.writestr(info, pdf)
            yield sink.drain()
    yield sink.drain()


def write_zip(certificates: Select, out: IO[bytes], on_entry: Callable[[], None] | None = None) -> int:
    """Write the ZIP to a file; calls `on_entry` after each certificate; returns how many were written."""
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for info, pdf in entries(certificates):
            archive.writestr(info, pdf)
            count += 1
            if on_entry is not None:
                on_entry()
    return count
