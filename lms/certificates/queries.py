"""Reads for certificates: verification, the learner's downloads, and certificates within an HR scope
(search, ZIP export). The rest of the HR desk reads in `lms.hr.queries`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from lms import dates
from lms.accounts.models import Opd, User
from lms.accounts.nip import nip_search_digits
from lms.certificates.models import N_, REVOKED, VALID, Certificate
from lms.certificates.numbering import is_well_formed_code
from lms.content.models import Module
from lms.errors import NotFound
from lms.extensions import db
from lms.learning.models import Completion

PAGE_SIZE = 50
_LATER = aliased(Completion)
STATUS_FILTERS = {"berlaku": N_("Berlaku"), "kedaluwarsa": N_("Kedaluwarsa"), "dicabut": N_("Dicabut")}


# --- verification and the learner ---------------------------------------------------------------


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate a verification code belongs to; None for junk or unknown codes alike."""
    if not is_well_formed_code(code):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.verification_code == code))


def replacement_of(certificate: Certificate) -> Certificate | None:
    """The newest certificate in the chain of reissues that started with `certificate`."""
    seen = {certificate.id}
    current = certificate
    while current.replaced_by_id is not None and current.replaced_by_id not in seen:
        seen.add(current.replaced_by_id)
        current = db.session.get(Certificate, current.replaced_by_id)
    return current if current is not certificate else None


def current_certificates(completion_ids: list[int]) -> dict[int, Certificate]:
    """For each completion, its latest certificate that is not replaced (valid or revoked), in one query."""
    if not completion_ids:
        return {}
    rows = db.session.scalars(
        select(Certificate)
        .where(Certificate.completion_id.in_(completion_ids), Certificate.replaced_by_id.is_(None))
        .order_by(Certificate.issue_no)
    )
    return {c.completion_id: c for c in rows}


def learner_certificate(user_id: int, module_slug: str) -> Certificate | None:
    """Her certificate for the module's latest completion (the latest of any reissues), revoked or not;
    None if none."""
    latest_cycle = (
        select(func.max(_LATER.cycle))
        .where(_LATER.user_id == user_id, _LATER.module_id == Completion.module_id)
        .scalar_subquery()
    )
    return db.session.scalar(
        select(Certificate)
        .join(Completion, Certificate.completion_id == Completion.id)
        .join(Module, Completion.module_id == Module.id)
        .where(
            Completion.user_id == user_id,
            Module.slug == module_slug,
            Completion.cycle == latest_cycle,
            Certificate.replaced_by_id.is_(None),
        )
        .order_by(Certificate.issue_no.desc())
        .limit(1)
    )


def completed_module(user_id: int, module_slug: str) -> Module | None:
    """The module if she completed it; None for any other, hidden or missing alike."""
    return db.session.scalar(
        select(Module)
        .join(Completion, Completion.module_id == Module.id)
        .where(Completion.user_id == user_id, Module.slug == module_slug)
    )


def own_certificate(user_id: int, certificate_id: int) -> Certificate:
    """Her own certificate; anybody else's is NotFound."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.user_id != user_id:
        raise NotFound("Sertifikat tidak ditemukan.")
    return certificate


# --- within an HR account's scope (the HR desk and the PDF download) ------------------------------


def _people_in(opd_id: int):
    return select(User.id).where(User.opd_id == opd_id)


def scoped_certificates(scope: Opd | None) -> Select:
    """Certificates an HR account may see: all, or those issued in its OPD or held by its OPD's people."""
    stmt = select(Certificate)
    if scope is not None:
        stmt = stmt.where(or_(Certificate.opd_id == scope.id, Certificate.user_id.in_(_people_in(scope.id))))
    return stmt


def certificate_in_scope(scope: Opd | None, certificate_id: int) -> Certificate:
    certificate = db.session.scalar(scoped_certificates(scope).where(Certificate.id == certificate_id))
    if certificate is None:
        raise NotFound("Sertifikat tidak ditemukan.")
    return certificate


# --- certificate search (the HR desk and `flask certificates export`) -----------------------------


@dataclass(frozen=True)
class CertificateFilters:
    """The HR desk's search: words of a name, NIP or number; OPD; module; status; completion dates."""

    q: str = ""
    opd_id: int | None = None
    module_id: int | None = None
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    year: int | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for links to the exports of the same search)."""
        args = {
            "q": self.q,
            "opd": str(self.opd_id or ""),
            "modul": str(self.module_id or ""),
            "status": self.status,
            "dari": self.date_from.isoformat() if self.date_from else "",
            "sampai": self.date_to.isoformat() if self.date_to else "",
            "tahun": str(self.year or ""),
        }
        return {key: value for key, value in args.items() if value}


def search_certificates(scope: Opd | None, filters: CertificateFilters, *, today: date | None = None) -> Select:
    """The certificates matching every filter within the scope, newest first (a statement to page or stream).

    `q` is a NIP as typed or printed ("19721114 200611 2 492" is one NIP, not four words), or words
    each found in the name, the number or (four digits or more) the NIP.
    """
    stmt = scoped_certificates(scope)
    nip = nip_search_digits(filters.q)
    words = [] if nip else filters.q.split()[:10]
    if nip:
        stmt = stmt.where(
            or_(Certificate.nip.contains(nip, autoescape=True), Certificate.number.contains(nip, autoescape=True))
        )
    for word in words:
        digits = nip_search_digits(word)
        conditions = [
            Certificate.name.icontains(word, autoescape=True),
            Certificate.number.icontains(word, autoescape=True),
        ]
        if digits and len(digits) >= 4:
            conditions.append(Certificate.nip.contains(digits, autoescape=True))
        stmt = stmt.where(or_(*conditions))
    if filters.opd_id:
        stmt = stmt.where(Certificate.opd_id == filters.opd_id)
    if filters.module_id:
        stmt = stmt.where(Certificate.module_id == filters.module_id)
    today = today or dates.today()
    if filters.status == "dicabut":
        stmt = stmt.where(Certificate.status == REVOKED)
    elif filters.status == "berlaku":
        stmt = stmt.where(
            Certificate.status == VALID, or_(Certificate.valid_until.is_(None), Certificate.valid_until >= today)
        )
    elif filters.status == "kedaluwarsa":
        stmt = stmt.where(Certificate.status == VALID, Certificate.valid_until < today)
    if filters.date_from:
        stmt = stmt.where(Certificate.completed_on >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(Certificate.completed_on <= filters.date_to)
    if filters.year:
        stmt = stmt.where(
            Certificate.completed_on >= date(filters.year, 1, 1), Certificate.completed_on <= date(filters.year, 12, 31)
        )
    return stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc())


def page_of_certificates(scope: Opd | None, filters: CertificateFilters, page: int):
    return db.paginate(search_certificates(scope, filters), page=page, per_page=PAGE_SIZE, error_out=False, count=True)


def count_certificates(scope: Opd | None, filters: CertificateFilters) -> int:
    return db.session.scalar(
        select(func.count()).select_from(search_certificates(scope, filters).order_by(None).subquery())
    )
