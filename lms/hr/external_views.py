"""The HR desk's external training (riwayat pengembangan kompetensi): the queue of submissions to approve or
reject, recording a training for a person, correcting or deleting a record, and the CSV import.

Routes of the `hr` blueprint, kept apart from hr/views.py. Every record is read within the reader's
scope: an OPD-scoped HR sees only its OPD's people; anything else answers like a missing record.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms import dates
from lms.accounts.models import HR
from lms.accounts.nip import format_nip
from lms.errors import DomainError, ValidationError
from lms.extensions import db
from lms.external import csv_import, services
from lms.external import queries as external_queries
from lms.external.forms import STATUS_CHOICES, ConfirmImportForm, ImportForm, PostForm, RejectForm, TrainingForm
from lms.external.models import PENDING, SOURCE_LABELS, STATUS_LABELS, STATUSES, ExternalTraining
from lms.hr import queries
from lms.hr.views import _scope, hr
from lms.params import id_arg, page_arg
from lms.security import role_required


def _actor():
    return current_user._get_current_object()


def _status_arg() -> str:
    status = request.args.get("status", PENDING)
    return status if status in STATUSES or status == "" else PENDING


@hr.route("/hr/pelatihan-luar")
@role_required(HR)
def external_queue():
    """Submissions and records of external training within the scope, by status (pending first), with counts."""
    scope = _scope()
    status = _status_arg()
    opd_id = None if scope is not None else id_arg("opd")
    return render_template(
        "hr/external_queue.html",
        pagination=external_queries.queue(scope, status, opd_id, page_arg()),
        counts=external_queries.count_by_status(scope, opd_id),
        status=status,
        status_choices=STATUS_CHOICES,
        status_labels=STATUS_LABELS,
        opd_id=opd_id,
        scope=scope,
        opds=queries.opd_choices(scope),
        format_nip=format_nip,
    )


def _detail_page(training: ExternalTraining, reject_form: RejectForm | None = None, status: int = 200):
    html = render_template(
        "hr/external_detail.html",
        t=training,
        reject_form=reject_form or RejectForm(),
        post_form=PostForm(),
        source_labels=SOURCE_LABELS,
        format_nip=format_nip,
    )
    return html, status


@hr.route("/hr/pelatihan-luar/<id:training_id>")
@role_required(HR)
def external_detail(training_id: int):
    return _detail_page(external_queries.training_in_scope(_scope(), training_id))


@hr.route("/hr/pelatihan-luar/<id:training_id>/setujui", methods=["POST"])
@role_required(HR)
def external_approve(training_id: int):
    """Approve a pending submission; a second approval (double submit) changes nothing and says so."""
    training = external_queries.training_in_scope(_scope(), training_id)
    if not PostForm().validate_on_submit():
        flash(_("Formulir sudah kedaluwarsa. Silakan coba lagi."), "error")
        return redirect(url_for("hr.external_detail", training_id=training.id))
    try:
        services.approve(training, actor=_actor())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("hr.external_detail", training_id=training_id))
    db.session.commit()
    flash(_("Pelatihan disetujui; JP-nya kini dihitung."), "success")
    return redirect(url_for("hr.external_queue"))


@hr.route("/hr/pelatihan-luar/<id:training_id>/tolak", methods=["POST"])
@role_required(HR)
def external_reject(training_id: int):
    """Reject a pending submission with a reason the person reads."""
    training = external_queries.training_in_scope(_scope(), training_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail_page(training, form, 400)
    try:
        services.reject(training, form.reason.data, actor=_actor())
    except ValidationError as error:
        db.session.rollback()
        form.reason.errors = [error.message]
        return _detail_page(training, form, 400)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("hr.external_detail", training_id=training_id))
    db.session.commit()
    flash(_("Pengajuan ditolak; peserta melihat alasannya."), "success")
    return redirect(url_for("hr.external_queue"))


@hr.route("/hr/pelatihan-luar/<id:training_id>/hapus", methods=["POST"])
@role_required(HR)
def external_delete(training_id: int):
    """Delete a record entered by mistake (audited with what it held)."""
    training = external_queries.training_in_scope(_scope(), training_id)
    user_id = training.user_id
    if not PostForm().validate_on_submit():
        flash(_("Formulir sudah kedaluwarsa. Silakan coba lagi."), "error")
        return redirect(url_for("hr.external_detail", training_id=training.id))
    try:
        services.delete_by_hr(training, actor=_actor())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("hr.external_detail", training_id=training_id))
    db.session.commit()
    flash(_("Data pelatihan dihapus."), "success")
    return redirect(url_for("hr.person", user_id=user_id))


def _form_page(form: TrainingForm, user, training: ExternalTraining | None, status: int = 200):
    html = render_template(
        "hr/external_form.html",
        form=form,
        user=user,
        t=training,
        max_mb=services.megabytes(services.pdf_max_bytes()),
        format_nip=format_nip,
    )
    return html, status


def _checked(form: TrainingForm) -> tuple[services.TrainingInput | None, services.Upload | None, dict[str, str]]:
    data, errors = services.clean_training(form.values(), dates.today())
    upload = None
    try:
        upload = services.read_upload(request.files.get("certificate"))
    except ValidationError as error:
        errors["certificate"] = error.message
    return data, upload, errors


@hr.route("/hr/asn/<id:user_id>/pelatihan-luar/baru", methods=["GET", "POST"])
@role_required(HR)
def external_new(user_id: int):
    """HR records a training the person did elsewhere (approved on entry), with an optional PDF."""
    user = queries.person_in_scope(_scope(), user_id)
    form = TrainingForm()
    if request.method == "GET":
        return _form_page(form, user, None)
    if not form.validate_on_submit():
        return _form_page(form, user, None, 400)
    data, upload, errors = _checked(form)
    if errors:
        form.show_errors(errors)
        flash(_("Belum disimpan: periksa isian yang ditandai."), "error")
        return _form_page(form, user, None, 400)
    try:
        services.record_by_hr(user, data, upload, actor=_actor())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _form_page(form, user, None, error.status_code)
    db.session.commit()
    flash(_("Pelatihan dicatat dan JP-nya dihitung."), "success")
    return redirect(url_for("hr.person", user_id=user.id))


@hr.route("/hr/pelatihan-luar/<id:training_id>/ubah", methods=["GET", "POST"])
@role_required(HR)
def external_edit(training_id: int):
    """HR corrects a record (audited with the values before and after); a new PDF replaces the old one."""
    training = external_queries.training_in_scope(_scope(), training_id)
    form = TrainingForm(data=None if request.method == "POST" else _values_of(training))
    if request.method == "GET":
        return _form_page(form, training.user, training)
    if not form.validate_on_submit():
        return _form_page(form, training.user, training, 400)
    data, upload, errors = _checked(form)
    if errors:
        form.show_errors(errors)
        flash(_("Belum disimpan: periksa isian yang ditandai."), "error")
        return _form_page(form, training.user, training, 400)
    try:
        changed = services.update_by_hr(training, data, upload, actor=_actor())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _form_page(form, training.user, training, error.status_code)
    db.session.commit()
    flash(_("Perubahan disimpan.") if changed else _("Tidak ada perubahan."), "success" if changed else "info")
    return redirect(url_for("hr.external_detail", training_id=training.id))


def _values_of(training: ExternalTraining) -> dict[str, str]:
    return {
        "name": training.name,
        "organiser": training.organiser,
        "kind": training.kind,
        "start_on": training.start_on.isoformat(),
        "end_on": training.end_on.isoformat(),
        "jp": str(training.jp),
        "certificate_number": training.certificate_number or "",
    }


def _import_page(form: ImportForm, preview=None, confirm: ConfirmImportForm | None = None, status: int = 200):
    html = render_template(
        "hr/external_import.html",
        form=form,
        preview=preview,
        confirm=confirm or ConfirmImportForm(),
        columns=csv_import.COLUMNS,
        scope=_scope(),
        format_nip=format_nip,
    )
    return html, status


@hr.route("/hr/pelatihan-luar/impor", methods=["GET", "POST"])
@role_required(HR)
def external_import():
    """Check a CSV of external training and show every line's problem, or a preview to confirm."""
    form = ImportForm()
    if request.method == "GET":
        return _import_page(form)
    if not form.validate_on_submit():
        if form.errors and "csrf_token" not in form.errors:
            flash(_("Pilih berkas CSV terlebih dahulu."), "error")
        return _import_page(form, status=400)
    data = form.file.data.read()
    preview = csv_import.parse_external_csv(data, _scope(), dates.today(), current_user.id)
    confirm = ConfirmImportForm()
    if preview.is_clean:
        confirm.payload.data = data.decode("utf-8-sig")
    return _import_page(form, preview, confirm, 200 if preview.is_clean else 400)


@hr.route("/hr/pelatihan-luar/impor/konfirmasi", methods=["POST"])
@role_required(HR)
def external_import_confirm():
    """Import every line checked again, or none (all or nothing)."""
    confirm = ConfirmImportForm()
    if not confirm.validate_on_submit():
        flash(_("Formulir sudah kedaluwarsa atau kosong. Unggah berkasnya lagi."), "error")
        return _import_page(ImportForm(), status=400)
    preview = csv_import.parse_external_csv(
        confirm.payload.data.encode("utf-8"), _scope(), dates.today(), current_user.id
    )
    if not preview.is_clean:  # something changed since the preview: show the problems again
        flash(_("Data berubah sejak pratinjau; periksa lagi."), "error")
        return _import_page(ImportForm(), preview, status=400)
    created = services.import_trainings([(row.user, row.data) for row in preview.rows], actor=_actor())
    db.session.commit()
    flash(_("%(n)s pelatihan luar diimpor dan JP-nya dihitung.", n=len(created)), "success")
    return redirect(url_for("hr.external_queue", status="approved"))
