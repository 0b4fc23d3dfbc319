"""Small factories for external training tests: a real PDF, a record, an upload."""

from __future__ import annotations

import io
from datetime import date, timedelta
from functools import cache

from lms import dates
from lms.extensions import db
from lms.external.models import APPROVED, PENDING, REJECTED, ExternalTraining, ExternalTrainingFile


@cache
def pdf_bytes(text: str = "Sertifikat Diklat") -> bytes:
    """A small, real one-page PDF."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def upload(data: bytes | None = None, name: str = "sertifikat.pdf") -> tuple[io.BytesIO, str]:
    """A file for a test client's form data."""
    return (io.BytesIO(pdf_bytes() if data is None else data), name)


def a_past_day(days: int = 10) -> date:
    return dates.today() - timedelta(days=days)


def form_values(**overrides) -> dict[str, str]:
    """What a person types in the form for a valid training that ended 10 days ago."""
    end = a_past_day(10)
    values = {
        "name": "Pelatihan Kepemimpinan Pengawas",
        "organiser": "BPSDM Provinsi Jawa Tengah",
        "kind": "diklat",
        "start_on": (end - timedelta(days=4)).isoformat(),
        "end_on": end.isoformat(),
        "jp": "12",
        "certificate_number": "BPSDM/123/2026",
    }
    values.update(overrides)
    return values


def make_training(user, *, status: str = APPROVED, jp: int = 12, end_on: date | None = None, with_pdf=True, **fields):
    """A stored record of `user` (approved by default, with a PDF), committed."""
    end_on = end_on or a_past_day(10)
    training = ExternalTraining(
        user_id=user.id,
        name=fields.pop("name", f"Webinar {jp} JP {end_on.isoformat()}"),
        organiser=fields.pop("organiser", "Lembaga Administrasi Negara"),
        kind=fields.pop("kind", "seminar"),
        start_on=fields.pop("start_on", end_on),
        end_on=end_on,
        jp=jp,
        status=status,
        source=fields.pop("source", "hr" if status == APPROVED else "learner"),
        rejection_reason="Sertifikat tidak terbaca." if status == REJECTED else None,
        **fields,
    )
    if with_pdf:
        training.certificate_filename = "sertifikat.pdf"
        training.certificate_size = len(pdf_bytes())
    db.session.add(training)
    db.session.flush()
    if with_pdf:
        db.session.add(ExternalTrainingFile(training_id=training.id, content=pdf_bytes()))
    db.session.commit()
    return training


__all__ = ["APPROVED", "PENDING", "REJECTED", "form_values", "make_training", "pdf_bytes", "upload"]
