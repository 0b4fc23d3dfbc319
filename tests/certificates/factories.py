"""Database factories for the certificate tests: OPDs, ASN with full particulars, modules, completions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import select

from lms.accounts.models import Opd
from lms.accounts.services import get_or_create_opd
from lms.certificates.models import Certificate
from lms.content.models import Module
from lms.extensions import db
from lms.learning.models import Completion
from lms.learning.services import record_completion
from tests.conftest import create_user

_modules = count(1)


def make_opd(name: str = "Dinas Komunikasi, Informatika, Statistik dan Persandian") -> Opd:
    opd = get_or_create_opd(name)
    db.session.commit()
    return opd


def make_asn(opd: Opd | None = None, roles=("peserta",), **fields):
    """A learner with every particular a certificate prints."""
    fields.setdefault("name", "Siti Nurhaliza, S.Kom.")
    fields.setdefault("jabatan", "Pranata Komputer Ahli Muda")
    fields.setdefault("unit_kerja", "Bidang Aplikasi Informatika")
    fields.setdefault("pangkat_golongan", "Penata Tingkat I (III/d)")
    return create_user(roles=roles, opd=opd if opd is not None else make_opd(), **fields)


def make_module(slug: str | None = None, *, title: str = "Literasi Digital bagi ASN", jp: int = 4, **fields) -> Module:
    """A published module row (no lessons: tests complete it through record_completion)."""
    n = next(_modules)
    module = Module(
        slug=slug or f"literasi-digital-{n}",
        title=title,
        summary="Modul uji sertifikat.",
        jp=jp,
        content_hash=f"{n:064d}",
        **fields,
    )
    db.session.add(module)
    db.session.commit()
    return module


def complete(user, module: Module, *, score: int | None = 85, days: int = 10) -> Completion:
    """Record the completion (which issues the certificate) and commit, like a learner's last click."""
    started = datetime.now(UTC) - timedelta(days=days)
    completion = record_completion(user.id, module, score=score, started_at=started)
    db.session.commit()
    return completion


def certificate_of(completion: Completion) -> Certificate:
    return db.session.scalar(
        select(Certificate).where(Certificate.completion_id == completion.id).order_by(Certificate.issue_no.desc())
    )


def issued(user=None, module=None, **kwargs) -> Certificate:
    """A learner, a module, a completion and so its certificate."""
    user = user or make_asn()
    module = module or make_module()
    return certificate_of(complete(user, module, **kwargs))
