"""Login, password and personal-data pages, and the admin desk for accounts."""

from __future__ import annotations

import json
import time
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from lms import dates
from lms.accounts import csv_import, devices, password_reset, queries, roster, services, throttle
from lms.accounts.code_sheet import CodeSlip, render_code_sheet
from lms.accounts.forms import (
    ChangePasswordForm,
    ConfirmImportForm,
    ForgotPasswordForm,
    ImportForm,
    LoginForm,
    MailPreferencesForm,
    OpdForm,
    PostForm,
    ResetPasswordForm,
    UserForm,
)
from lms.accounts.models import ADMIN, HR, ROLE_LABELS, Opd, User
from lms.accounts.nip import normalise_nip
from lms.accounts.personal_data import export_personal_data
from lms.errors import Conflict, ValidationError
from lms.extensions import client_ip, db
from lms.mail import queries as mail_queries
from lms.mail import services as mail_services
from lms.mail.models import STATUSES as MAIL_STATUSES
from lms.params import id_arg, page_arg
from lms.security import is_safe_next, role_required
from lms.urls import public_url

auth = Blueprint("auth", __name__)
admin = Blueprint("admin", __name__, url_prefix="/admin")
# The roster import for HR (an OPD-scoped HR imports only her OPD); the same views as the admin's.
hr_import = Blueprint("hr_import", __name__, url_prefix="/hr/impor")


def _refused(exc: throttle.TooManyAttempts, page: str) -> Response:
    """The form again (its message says when to try again) as 429, with Retry-After."""
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(max(1, exc.retry_after))
    return response


@auth.route("/login", methods=["GET", "POST"])
def login():
    """Log in with NIP and password; the attempt is counted before the password is checked (throttle)."""
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        nip = normalise_nip(form.nip.data)
        device = devices.read(request.cookies)
        try:
            attempt = throttle.charge_login(nip, client_ip(), device.id if device and device.knows(nip) else None)
        except throttle.TooManyAttempts as exc:
            form.password.errors.append(exc.message)
            return _refused(exc, render_template("accounts/login.html", form=form))
        user = services.authenticate(nip, form.password.data)
        if user is None:
            form.password.errors.append(_("NIP atau kata sandi salah, atau akun tidak aktif."))
        else:
            attempt.refund()  # a success is not held against her
            locale = session.get("locale")
            session.clear()  # a fresh session: nothing from before login survives
            if locale and not user.locale:
                user.locale = locale
            services.record_login(user)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            if user.must_change_password:
                response = redirect(url_for("auth.change_password"))
            else:
                target = form.next.data
                response = redirect(target if is_safe_next(target) else url_for("core.index"))
            devices.remember(response, device, nip)
            return response
    return render_template("accounts/login.html", form=form)


@auth.route("/logout", methods=["POST"])
@login_required
def logout():
    form = PostForm()
    if not form.validate_on_submit():
        abort(400)
    current_user.session_version += 1
    locale = current_user.locale or session.get("locale")
    db.session.commit()
    # Clear first: logout_user() leaves a flag in the session that deletes the "Ingat saya" cookie.
    session.clear()
    logout_user()
    if locale:
        session["locale"] = locale  # the login page stays in the language the user chose
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("auth.login"))


@auth.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    """Choose a new password; a wrong current password is counted (throttle) and recorded in the audit log."""
    forced = current_user.must_change_password
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            attempt = throttle.charge_password_check(user.id) if not forced else None
        except throttle.TooManyAttempts as exc:
            form.current_password.errors.append(exc.message)
            return _refused(exc, render_template("accounts/change_password.html", form=form, forced=forced))
        try:
            services.change_password(
                user,
                form.new_password.data,
                current_password=form.current_password.data,
                require_current=not forced,
            )
        except services.WrongCurrentPassword as exc:
            services.record_audit(
                user, "user.wrong_current_password", user, "Kata sandi saat ini salah (ganti kata sandi)"
            )
            db.session.commit()
            form.current_password.errors.append(exc.message)
        except ValidationError as exc:
            if attempt is not None:
                attempt.refund()  # the current password was right: only the new one was refused
            form.new_password.errors.append(exc.message)
        else:
            if attempt is not None:
                attempt.refund()
            db.session.commit()
            # Re-issue this session (and the "Ingat saya" cookie, if any) with the new session version.
            login_user(user, remember=current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies)
            flash(_("Kata sandi berhasil diganti."), "success")
            return redirect(url_for("core.index"))
    return render_template("accounts/change_password.html", form=form, forced=forced)


def _private(page, status: int = 200) -> Response:
    """A page of a reset link: its address holds the token, so it is kept in no cache and named to no
    other site or page (Referer), not even to Lentera's own."""
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@auth.route("/lupa-kata-sandi", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link by NIP. Every well-formed request gets the same answer after the same least
    time (RESET_ANSWER_SECONDS), whether the NIP exists, has an e-mail or not; counted per NIP and address."""
    form = ForgotPasswordForm()
    enabled = mail_services.mail_enabled()
    if enabled and form.validate_on_submit():
        started = time.monotonic()
        nip = normalise_nip(form.nip.data)
        if not (len(nip) == 18 and nip.isascii() and nip.isdigit()):
            form.nip.errors.append(_("NIP terdiri dari 18 angka, misalnya 19860926 201505 1 001."))
        else:
            try:
                throttle.charge_reset_request(nip, client_ip())
            except throttle.TooManyAttempts as exc:
                form.nip.errors.append(exc.message)
                return _refused(exc, render_template("accounts/forgot_password.html", form=form, mail_enabled=enabled))
            password_reset.request_reset_link(nip, ip=client_ip())
            db.session.commit()
            time.sleep(max(0.0, current_app.config["RESET_ANSWER_SECONDS"] - (time.monotonic() - started)))
            return redirect(url_for("auth.forgot_password_sent"))
    return render_template("accounts/forgot_password.html", form=form, mail_enabled=enabled)


@auth.route("/lupa-kata-sandi/terkirim")
def forgot_password_sent():
    return render_template("accounts/forgot_password_sent.html")


@auth.route("/atur-ulang-kata-sandi/<token>", methods=["GET", "POST"])
def reset_with_link(token: str):
    """Choose a new password through an e-mailed link; a link that cannot be used gets a page saying why."""
    try:
        _code, user = password_reset.find_reset_link(token)
    except password_reset.LinkRefused as exc:
        db.session.rollback()
        return _private(render_template("accounts/reset_link_refused.html", message=exc.message), exc.status_code)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset_with_link(token, form.new_password.data)
        except password_reset.LinkRefused as exc:
            db.session.rollback()
            return _private(render_template("accounts/reset_link_refused.html", message=exc.message), exc.status_code)
        except ValidationError as exc:
            db.session.rollback()
            form.new_password.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Kata sandi Anda sudah diganti. Silakan masuk dengan kata sandi baru."), "success")
            return redirect(url_for("auth.login"))
    return _private(render_template("accounts/reset_password.html", form=form, user=user))


@auth.route("/akun")
@login_required
def profile():
    mail_form = MailPreferencesForm(formdata=None, wants_optional_mail=current_user.wants_optional_mail)
    return render_template(
        "accounts/profile.html", user=current_user, role_labels=ROLE_LABELS, form=PostForm(), mail_form=mail_form
    )


@auth.route("/akun/email", methods=["POST"])
@login_required
def mail_preferences():
    """Turn optional e-mail on or off (mandatory notices are sent either way; docs/deploy.md lists them)."""
    form = MailPreferencesForm()
    if not form.validate_on_submit():
        flash(_("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."), "error")
        return redirect(url_for("auth.profile"))
    services.set_mail_preferences(current_user._get_current_object(), wants_optional_mail=form.wants_optional_mail.data)
    db.session.commit()
    flash(
        _("Email opsional akan dikirim.") if form.wants_optional_mail.data else _("Email opsional tidak dikirim lagi."),
        "success",
    )
    return redirect(url_for("auth.profile"))


@auth.route("/akun/data-saya.json")
@login_required
def my_data():
    data = export_personal_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    filename = f"data-lentera-{current_user.nip}-{dates.today().isoformat()}.json"
    return Response(
        body, mimetype="application/json", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


# --- admin -------------------------------------------------------------------------------------


def _shown_once(page: str) -> Response:
    """A page showing one-time codes: kept in no cache, not even the browser's (shared office PCs)."""
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _opd_choices() -> list[SelectChoice]:
    return [SelectChoice(0, _("— belum ditentukan —"))] + [SelectChoice(o.id, o.name) for o in queries.list_opds()]


@admin.route("/pengguna")
@role_required(ADMIN)
def users():
    q = request.args.get("q", "")
    opd_id = id_arg("opd")
    pagination = queries.search_users(q, opd_id, page_arg())
    return render_template(
        "admin/users.html", pagination=pagination, q=q, opd_id=opd_id, opds=queries.list_opds(), role_labels=ROLE_LABELS
    )


def _profile_fields(form: UserForm) -> dict:
    """The profile part of the user form, as the services take it."""
    return {
        "name": form.name.data,
        "email": form.email.data,
        "opd": db.session.get(Opd, form.opd_id.data) if form.opd_id.data else None,
        "unit_kerja": form.unit_kerja.data,
        "jabatan": form.jabatan.data,
        "pangkat_golongan": form.pangkat_golongan.data,
    }


@admin.route("/pengguna/baru", methods=["GET", "POST"])
@role_required(ADMIN)
def create_user():
    form = UserForm()
    form.opd_id.choices = _opd_choices()
    if request.method == "GET":
        form.roles.data = ["peserta"]
    if form.validate_on_submit():
        try:
            user = services.create_user(
                nip=form.nip.data, roles=form.roles.data or [], actor=current_user, **_profile_fields(form)
            )
            user.must_change_password = True
            issued = services.issue_code(user, "activation")
        except ValidationError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            return _shown_once(render_template("admin/code_issued.html", user=user, issued=issued, reset=False))
    return render_template("admin/user_form.html", form=form, user=None)


@admin.route("/pengguna/<id:user_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def edit_user(user_id: int):
    user = services.get_user(user_id)
    form = UserForm(obj=user)
    form.opd_id.choices = _opd_choices()
    if request.method == "GET":
        form.opd_id.data = user.opd_id or 0
        form.roles.data = sorted(user.roles)
    form.nip.data = user.nip  # the NIP identifies the account and is not edited here
    if form.validate_on_submit():
        try:
            services.update_profile(user, actor=current_user, **_profile_fields(form))
            services.set_roles(user, form.roles.data or [], actor=current_user)
        except ValidationError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("Data pengguna disimpan."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "admin/user_form.html", form=form, user=user, post_form=PostForm(), mail_on=mail_services.mail_enabled()
    )


@admin.route("/pengguna/<id:user_id>/status", methods=["POST"])
@role_required(ADMIN)
def set_status(user_id: int):
    user = services.get_user(user_id)
    if not PostForm().validate_on_submit():
        abort(400)
    activate = request.form.get("active") == "1"
    try:
        services.set_active(user, activate, actor=current_user)
    except ValidationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Akun diaktifkan.") if activate else _("Akun dinonaktifkan; datanya tetap tersimpan."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@admin.route("/pengguna/<id:user_id>/reset-sandi", methods=["POST"])
@role_required(ADMIN)
def reset_password(user_id: int):
    user = services.get_user(user_id)
    if not PostForm().validate_on_submit():
        abort(400)
    deliver = request.form.get("deliver", "show")
    if deliver not in ("show", "email"):
        abort(400)
    try:
        issued = services.reset_password(user, actor=current_user)
        if deliver == "email":
            emailed, _without = services.email_codes([issued], reset=True)
            if not emailed:
                raise ValidationError(_("Akun ini tidak punya alamat email yang dapat dipakai; kodenya tidak dikirim."))
    except ValidationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    db.session.commit()
    if deliver == "email":
        flash(
            _(
                "Kata sandi direset. Kode sekali pakai dikirim lewat email ke %(address)s.",
                address=mail_services.mask_address(user.email),
            ),
            "success",
        )
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _shown_once(render_template("admin/code_issued.html", user=user, issued=issued, reset=True))


@admin.route("/pengguna/<id:user_id>/anonimkan", methods=["POST"])
@role_required(ADMIN)
def anonymise_user(user_id: int):
    """Erase a deactivated account's personal data on request (UU PDP); the service states the rules."""
    user = services.get_user(user_id)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        services.anonymise_user(user, actor=current_user, reason=request.form.get("reason", ""))
    except ValidationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Data pribadi akun dihapus. Catatan belajarnya tetap tersimpan tanpa nama."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


# --- roster import: one implementation, two doors (admin: /admin/impor, HR: /hr/impor) ------------
PREVIEW_LIMIT = 200  # people listed per kind on the preview page; the confirm applies every one


def _import_urls(prefix: str) -> dict[str, str]:
    return {
        "page": url_for(f"{prefix}.import_users"),
        "confirm": url_for(f"{prefix}.confirm_import"),
        "codes_csv": url_for(f"{prefix}.download_codes"),
        "codes_pdf": url_for(f"{prefix}.download_codes_pdf"),
        "back": url_for("admin.users") if prefix == "admin" else url_for("core.index"),
    }


def _plan(data: bytes, full_roster: bool) -> roster.RosterPlan:
    parsed = csv_import.parse_roster_csv(data)
    return roster.build_plan(parsed, actor=roster.actor_for(current_user), full_roster=full_roster)


def _import_page(prefix: str, plan=None, confirm=None, status: int = 200):
    return (
        render_template(
            "admin/import.html",
            form=ImportForm(),
            plan=plan,
            confirm=confirm or ConfirmImportForm(),
            urls=_import_urls(prefix),
            limit=PREVIEW_LIMIT,
            scope=db.session.get(Opd, roster.actor_for(current_user).scope_opd_id or 0),
            mail_on=mail_services.mail_enabled(),
        ),
        status,
    )


def _confirm_form(plan: roster.RosterPlan, text: str) -> ConfirmImportForm:
    confirm = ConfirmImportForm(formdata=None)
    confirm.payload.data = text
    confirm.mode.data = "full" if plan.full_roster else ""
    confirm.fingerprint.data = plan.fingerprint()
    return confirm


def _preview(prefix: str):
    """Upload: read the file, plan it against the accounts as they are, show the plan; nothing is written."""
    form = ImportForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        plan = _plan(data, form.full_roster.data)
        confirm = _confirm_form(plan, data.decode("utf-8-sig")) if plan.is_clean and plan.has_work else None
        return _import_page(prefix, plan, confirm)
    if request.method == "POST" and form.errors:
        flash(_("Pilih berkas CSV terlebih dahulu."), "error")
    return _import_page(prefix)


def _plan_changed(prefix: str, plan: roster.RosterPlan, text: str):
    """Nothing written: the accounts changed since the preview. The new plan is shown, to confirm again."""
    flash(
        _(
            "Data akun berubah sejak pratinjau (misalnya diubah orang lain), sehingga hasil impor tidak lagi "
            "sama dengan pratinjau. Tidak ada yang disimpan. Periksa pratinjau baru di bawah, lalu konfirmasi "
            "lagi."
        ),
        "error",
    )
    return _import_page(prefix, plan, _confirm_form(plan, text) if plan.is_clean and plan.has_work else None)


def _confirm(prefix: str):
    """Apply exactly the previewed plan, in one transaction: the plan is made again from the same file and
    must have the fingerprint the preview showed; otherwise nothing is written and the new plan is shown."""
    confirm = ConfirmImportForm()
    if not confirm.validate_on_submit():
        abort(400)
    plan = _plan(confirm.payload.data.encode("utf-8"), confirm.mode.data == "full")
    if not plan.is_clean:  # something changed since the preview: show the problems again
        flash(_("Data berubah sejak pratinjau; periksa lagi."), "error")
        return _import_page(prefix, plan)
    if plan.fingerprint() != confirm.fingerprint.data or not plan.has_work:
        return _plan_changed(prefix, plan, confirm.payload.data)
    delivery = confirm.codes.data
    try:
        issued = roster.apply_plan(plan, actor=current_user)
        emailed, without = services.email_codes(issued) if delivery != "show" else ([], issued)
    except (roster.RosterChanged, IntegrityError):  # changed by someone else while it was being applied
        db.session.rollback()
        plan = _plan(confirm.payload.data.encode("utf-8"), confirm.mode.data == "full")
        return _plan_changed(prefix, plan, confirm.payload.data)
    except ValidationError as exc:  # e-mail chosen while mail is off: nothing written
        db.session.rollback()
        flash(exc.message, "error")
        return _import_page(prefix, plan, _confirm_form(plan, confirm.payload.data), status=400)
    shown = issued if delivery in ("show", "both") else without
    # Plain values, read before the commit expires the accounts: the page would otherwise reload each one.
    slips = [
        {"nip": i.user.nip, "name": i.user.name, "code": i.code, "expires_at": i.expires_at, "until": i.expires_on}
        for i in shown
    ]
    db.session.commit()
    return _shown_once(
        render_template(
            "admin/import_done.html",
            issued=slips,
            created=len(issued),
            emailed=len(emailed),
            delivery=delivery,
            plan=plan,
            form=PostForm(),
            urls=_import_urls(prefix),
        )
    )


def _posted_codes() -> list[tuple[str, str, str, str]]:
    """(nip, nama, kode, berlaku) as the import page holds them in hidden fields; 400 when the form is
    not the page's (CSRF) or its columns do not line up. Nothing plain is kept on the server."""
    if not PostForm().validate_on_submit():
        abort(400)
    nips, names = request.form.getlist("nip"), request.form.getlist("nama")
    codes, until = request.form.getlist("kode"), request.form.getlist("berlaku")
    if not (len(nips) == len(names) == len(codes) == len(until)) or not nips:
        abort(400)
    return list(zip(nips, names, codes, until, strict=True))


def _codes_csv() -> Response:
    """Formats the codes the page holds as CSV: nothing plain is kept on the server."""
    body = csv_import.codes_csv(_posted_codes())
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kode-aktivasi.csv"', "Cache-Control": "no-store"},
    )


def _codes_pdf() -> Response:
    """The same codes as a PDF sheet of slips to print, cut and hand over; built from the page, never stored."""
    try:
        slips = [
            CodeSlip(nip=nip, name=name, code=code, valid_until=date.fromisoformat(until))
            for nip, name, code, until in _posted_codes()
        ]
    except ValueError:
        abort(400)
    body = render_code_sheet(
        slips,
        lms_name=current_app.config["LMS_NAME"],
        organiser=current_app.config["LMS_ORGANISER"],
        login_url=public_url() + url_for("auth.login"),
        printed_on=dates.today(),
    )
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="kode-aktivasi.pdf"', "Cache-Control": "no-store"},
    )


@admin.route("/impor", methods=["GET", "POST"])
@role_required(ADMIN)
def import_users():
    return _preview("admin")


@admin.route("/impor/konfirmasi", methods=["POST"])
@role_required(ADMIN)
def confirm_import():
    return _confirm("admin")


@admin.route("/impor/kode-aktivasi.csv", methods=["POST"])
@role_required(ADMIN)
def download_codes():
    return _codes_csv()


@admin.route("/impor/kode-aktivasi.pdf", methods=["POST"])
@role_required(ADMIN)
def download_codes_pdf():
    return _codes_pdf()


@hr_import.route("", methods=["GET", "POST"], endpoint="import_users")
@role_required(HR)
def hr_import_users():
    return _preview("hr_import")


@hr_import.route("/konfirmasi", methods=["POST"], endpoint="confirm_import")
@role_required(HR)
def hr_confirm_import():
    return _confirm("hr_import")


@hr_import.route("/kode-aktivasi.csv", methods=["POST"], endpoint="download_codes")
@role_required(HR)
def hr_download_codes():
    return _codes_csv()


@hr_import.route("/kode-aktivasi.pdf", methods=["POST"], endpoint="download_codes_pdf")
@role_required(HR)
def hr_download_codes_pdf():
    return _codes_pdf()


@admin.route("/opd", methods=["GET", "POST"])
@role_required(ADMIN)
def opds():
    form = OpdForm()
    if form.validate_on_submit():
        try:
            services.get_or_create_opd(form.name.data, form.code.data)
        except ValidationError as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("OPD disimpan."), "success")
            return redirect(url_for("admin.opds"))
    return render_template(
        "admin/opds.html", form=form, opds=queries.list_opds(), counts=queries.opd_user_counts(), post_form=PostForm()
    )


@admin.route("/opd/<id:opd_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def edit_opd(opd_id: int):
    opd = db.session.get(Opd, opd_id) or abort(404)
    form = OpdForm(obj=opd)
    if form.validate_on_submit():
        try:
            services.rename_opd(opd, form.name.data, form.is_active.data, actor=current_user, code=form.code.data)
        except ValidationError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(_("OPD disimpan."), "success")
            return redirect(url_for("admin.opds"))
    return render_template("admin/opd_form.html", form=form, opd=opd)


@admin.route("/audit")
@role_required(ADMIN)
def audit():
    return render_template("admin/audit.html", pagination=queries.recent_audit(page_arg()))


@admin.route("/kotak-keluar")
@role_required(ADMIN)
def outbox():
    """Kotak keluar: every e-mail queued, its status, tries and last error; filter by status."""
    status = request.args.get("status", "").strip() or None
    if status is not None and status not in MAIL_STATUSES:
        raise ValidationError(_("Status pesan tidak dikenal. Pilih dari daftar."))
    return render_template(
        "admin/outbox.html",
        pagination=mail_queries.outbox_page(status, page_arg()),
        counts=mail_queries.status_counts(),
        status=status,
        statuses=MAIL_STATUSES,
        mask=mail_services.mask_address,
        mail_enabled=mail_services.mail_enabled(),
    )


@admin.route("/kotak-keluar/<id:message_id>/ulang", methods=["POST"])
@role_required(ADMIN)
def outbox_retry(message_id: int):
    """Send a message that failed for good once more (audited); any other message is refused."""
    if not PostForm().validate_on_submit():
        abort(400)
    message = mail_services.get_message(message_id)
    try:
        mail_services.retry_failed(message)
    except Conflict as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        services.record_audit(
            current_user,
            "mail.retry",
            None,
            f"Email #{message.id} ({message.template}) untuk {mail_services.mask_address(message.recipient)} "
            "dikirim ulang",
            message_id=message.id,
        )
        db.session.commit()
        flash(_("Pesan dijadwalkan untuk dikirim ulang pada putaran pengiriman berikutnya."), "success")
    status = request.form.get("status")
    return redirect(url_for("admin.outbox", status=status if status in MAIL_STATUSES else None))


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the id is '<id>.<session version>'; an older version is a dead session."""
    try:
        raw_id, raw_version = user_id.split(".", 1)
        uid, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    user = queries.user_for_session(uid, version)
    return user if user is not None and user.is_active_account else None
