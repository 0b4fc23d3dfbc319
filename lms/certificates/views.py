"""Certificate pages: public verification and the learner's download (the HR desk is `lms.hr`)."""

from __future__ import annotations

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms import dates
from lms.accounts import queries as account_queries
from lms.accounts.models import HR
from lms.accounts.nip import mask_nip
from lms.certificates import queries, services
from lms.certificates.exports import certificate_filename
from lms.certificates.models import Certificate
from lms.errors import NotFound, render_error
from lms.extensions import limiter
from lms.i18n import long_date
from lms.learning import queries as learning_queries
from lms.learning.links import CompletionItem

certificates = Blueprint("certificates", __name__)


# --- helpers ---------------------------------------------------------------------------------------


def _attachment(data, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _scope():
    return account_queries.hr_scope_opd(current_user)


# --- public verification -------------------------------------------------------------------------


@certificates.route("/verifikasi/<path:code>")
@limiter.limit(lambda: current_app.config["LMS_CERT_VERIFY_LIMIT"], scope="verify")
def verify(code: str):
    """Anyone with the QR code, no login: valid, expired or revoked, and every detail printed on it.

    Every wrong code, well-formed or not, gets the same 404 page; nothing here lists certificates.
    """
    certificate = queries.certificate_by_code(code)
    if certificate is None:
        body, status = render_error(404, _("Sertifikat tidak ditemukan. Periksa kembali alamat pada kode QR."))
        response = Response(body, status=status)
    else:
        today = dates.today()
        response = Response(
            render_template(
                "certificates/verify.html",
                c=certificate,
                status=certificate.status_on(today),
                masked_nip=mask_nip(certificate.nip),
                replacement=queries.replacement_of(certificate) if certificate.is_revoked else None,
            )
        )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- the learner (and HR) download ---------------------------------------------------------------


@certificates.route("/sertifikat/<id:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    """Her own certificate, as issued. HR may download any certificate within its scope."""
    if current_user.has_role(HR):
        try:
            certificate = queries.certificate_in_scope(_scope(), certificate_id)
        except NotFound:
            certificate = queries.own_certificate(current_user.id, certificate_id)
    else:
        certificate = queries.own_certificate(current_user.id, certificate_id)
        if certificate.is_revoked:
            return _unavailable_page(certificate, queries.replacement_of(certificate))
    filename = certificate_filename(certificate.nip, certificate.module_slug, certificate.number)
    return _attachment(services.pdf_bytes(certificate), filename, "application/pdf")


@certificates.route("/modul/<slug>/sertifikat.pdf")
@login_required
def module_certificate(slug: str):
    """Her certificate for a module she completed — always the one in force, also after a reissue.

    When there is none to give, a page says why: revoked (410, with the date and the category), or not
    issued yet (404: her data could not be printed).
    """
    certificate = queries.learner_certificate(current_user.id, slug)
    if certificate is None:
        module = queries.completed_module(current_user.id, slug)
        if module is None:
            raise NotFound(_("Anda belum menyelesaikan modul ini. Sertifikat terbit setelah modul selesai."))
        return _unavailable_page(None, None, module_title=module.title, module_slug=module.slug)
    if certificate.is_revoked:
        return _unavailable_page(certificate, None)
    filename = certificate_filename(certificate.nip, certificate.module_slug, certificate.number)
    return _attachment(services.pdf_bytes(certificate), filename, "application/pdf")


def _unavailable_page(
    certificate: Certificate | None,
    replacement: Certificate | None,
    *,
    module_title: str | None = None,
    module_slug: str | None = None,
) -> tuple[str, int]:
    """Her certificate cannot be downloaded: revoked (410 Gone, it existed and was withdrawn) or not
    issued yet (404). A page of its own that explains, in place of the PDF she asked for."""
    return (
        render_template(
            "certificates/unavailable.html",
            c=certificate,
            replacement=replacement,
            module_title=certificate.module_title if certificate else module_title,
            module_slug=certificate.module_slug if certificate else module_slug,
        ),
        410 if certificate is not None else 404,
    )


def completion_links(completions) -> dict[int, list[CompletionItem]]:
    """Beside each completion: "Unduh sertifikat (PDF)" while its certificate is in force; once revoked,
    the status with its date and category and no download; none issued yet, that in words. One query."""
    in_force = queries.current_certificates([c.id for c in completions])
    today = dates.today()
    latest = learning_queries.latest_completions(list(completions))
    items: dict[int, list[CompletionItem]] = {}
    for completion in completions:
        certificate = in_force.get(completion.id)
        if certificate is None:
            item = CompletionItem(
                label=_(
                    "Sertifikat belum terbit. Bila data Anda (misalnya nama) perlu diperbaiki, hubungi admin "
                    "atau bagian kepegawaian."
                ),
                status=_("Belum terbit"),
            )
        elif certificate.is_revoked:
            item = CompletionItem(
                label=_(
                    "Sertifikat dicabut pada %(date)s · %(reason)s.",
                    date=long_date(certificate.revoked_at),
                    reason=_(certificate.revoke_label),
                ),
                status=_("Dicabut"),
                is_problem=True,
            )
        else:
            item = CompletionItem(
                label=_("Unduh sertifikat (PDF)"),
                # The latest completion's link always gives the certificate in force; an earlier
                # cycle's (recertification history) its own certificate.
                url=url_for("certificates.module_certificate", slug=completion.module.slug)
                if latest[completion.module_id] is completion
                else url_for("certificates.download", certificate_id=certificate.id),
            )
            if certificate.is_expired(today):
                items[completion.id] = [
                    CompletionItem(
                        label=_("Sertifikat kedaluwarsa pada %(date)s.", date=long_date(certificate.valid_until)),
                        status=_("Kedaluwarsa"),
                    ),
                    item,
                ]
                continue
        items[completion.id] = [item]
    return items


# --- the HR desk: certificates -------------------------------------------------------------------
