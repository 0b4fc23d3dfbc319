"""The learner's external training (riwayat pengembangan kompetensi): submit one with its PDF, follow its
status, withdraw a pending one; and the certificate PDF, for her and for HR within its scope."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms import dates
from lms.accounts.models import HR
from lms.accounts.queries import hr_scope_opd
from lms.errors import DomainError, NotFound, ValidationError
from lms.extensions import db
from lms.external import queries, services
from lms.external.forms import PostForm, TrainingForm
from lms.external.models import KIND_LABELS

external = Blueprint("external", __name__)


def attachment(data: bytes, filename: str, mimetype: str) -> Response:
    """A download that the browser saves and never renders or sniffs."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page(form: TrainingForm, status: int = 200):
    year = dates.this_year()
    html = render_template(
        "external/history.html",
        form=form,
        trainings=queries.trainings_of(current_user.id),
        year=year,
        external_jp=queries.external_jp(current_user.id, year),
        post_form=PostForm(),
        max_mb=services.megabytes(services.pdf_max_bytes()),
        kind_labels=KIND_LABELS,
        today=dates.today(),
    )
    return html, status


@external.route("/riwayat/pelatihan-luar", methods=["GET", "POST"])
@login_required
def history():
    """Her trainings done outside Lentera with their status, and the form to submit another (with its PDF)."""
    form = TrainingForm()
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 400)
    data, errors = services.clean_training(form.values(), dates.today())
    upload = None
    try:
        upload = services.read_upload(request.files.get("certificate"))
    except ValidationError as error:
        errors["certificate"] = error.message
    if upload is None and "certificate" not in errors:
        errors["certificate"] = "Unggah sertifikat pelatihan (PDF) sebagai bukti."
    if errors:
        form.show_errors(errors)
        flash(_("Pengajuan belum dikirim: periksa isian yang ditandai."), "error")
        return _page(form, 400)
    try:
        services.submit_by_learner(current_user._get_current_object(), data, upload)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _page(form, error.status_code)
    db.session.commit()
    flash(_("Pengajuan terkirim. HR akan memeriksanya; statusnya tampil di bawah."), "success")
    return redirect(url_for("external.history"))


@external.route("/riwayat/pelatihan-luar/<id:training_id>/tarik", methods=["POST"])
@login_required
def withdraw(training_id: int):
    """She withdraws her own pending submission."""
    training = queries.own_training(current_user.id, training_id)
    if not PostForm().validate_on_submit():
        flash(_("Formulir sudah kedaluwarsa. Silakan coba lagi."), "error")
        return redirect(url_for("external.history"))
    try:
        services.withdraw(training, user=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("external.history"))
    db.session.commit()
    flash(_("Pengajuan ditarik."), "success")
    return redirect(url_for("external.history"))


@external.route("/pelatihan-luar/<id:training_id>/sertifikat.pdf")
@login_required
def certificate(training_id: int):
    """The certificate PDF of a record: for the person herself, and for HR within its scope (her OPD's HR
    or city-wide HR). Anyone else is told it does not exist."""
    training = None
    if current_user.has_role(HR):
        try:
            training = queries.training_in_scope(hr_scope_opd(current_user), training_id)
        except NotFound:
            training = None
    if training is None:
        training = queries.own_training(current_user.id, training_id)
    content = queries.certificate_file(training.id) if training.has_certificate_file else None
    if content is None:
        raise NotFound("Sertifikat pelatihan ini tidak diunggah.")
    return attachment(content, training.certificate_filename or "sertifikat.pdf", "application/pdf")
