"""The HR desk's mandatory assignments (penugasan wajib): list, create (with a preview), progress per OPD
and per person, export, extend one person's due date, edit, cancel. Thin: the rules are lms.assignments."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms import dates
from lms.accounts import queries as account_queries
from lms.accounts.models import HR, Opd
from lms.accounts.nip import format_nip
from lms.assignments import queries, services
from lms.assignments.forms import AssignmentForm, CancelAssignmentForm, EditAssignmentForm, ExtendForm
from lms.assignments.models import (
    STATE_BADGES,
    STATE_LABELS,
    STATES,
    TARGET_ALL,
    TARGET_EMPLOYEE_TYPE,
    TARGET_KINDS,
    TARGET_LABELS,
    TARGET_NIPS,
    TARGET_OPD,
    Assignment,
)
from lms.content.models import Module
from lms.errors import ValidationError
from lms.extensions import db
from lms.hr.views import _table_export
from lms.params import bounded_int, id_arg, page_arg, parse_id
from lms.security import role_required

assignments = Blueprint("assignments", __name__)

MAX_CSV_BYTES = 2 * 1024 * 1024
MEMBER_COLUMNS = ["NIP", "Nama", "OPD", "Tenggat", "Status", "Tanggal selesai", "Alasan perpanjangan"]


def _scope() -> Opd | None:
    return account_queries.hr_scope_opd(current_user)


def _target_kinds(scope: Opd | None) -> list[SelectChoice]:
    """What an account may aim at: an OPD-scoped one its whole OPD, PNS or PPPK in it, or a NIP list."""
    if scope is None:
        return [SelectChoice(kind, TARGET_LABELS[kind]) for kind in TARGET_KINDS]
    return [
        SelectChoice(TARGET_ALL, _("Semua pegawai %(opd)s", opd=scope.name)),
        SelectChoice(TARGET_EMPLOYEE_TYPE, TARGET_LABELS[TARGET_EMPLOYEE_TYPE]),
        SelectChoice(TARGET_NIPS, TARGET_LABELS[TARGET_NIPS]),
    ]


def _target_text(assignment: Assignment) -> str:
    if assignment.target_kind == TARGET_OPD:
        return ", ".join(opd.name for opd in assignment.target_opds)
    if assignment.target_kind == TARGET_EMPLOYEE_TYPE:
        text = _("Semua %(type)s", type=assignment.target_employee_type)
    elif assignment.target_kind == TARGET_NIPS:
        text = _("Daftar NIP")
    else:
        text = _("Semua ASN")
    if assignment.scope_opd is not None:
        text += f" — {assignment.scope_opd.name}"
    return text


@assignments.app_template_global("assignment_target")
def assignment_target(assignment: Assignment) -> str:
    return _target_text(assignment)


@assignments.route("/hr/penugasan")
@role_required(HR)
def index():
    """Assignments the account sees, each with how many of its people are in each state."""
    scope = _scope()
    page = queries.page_of_assignments(scope, page_arg())
    counts = queries.state_counts([a.id for a in page.items], scope, dates.today())
    return render_template(
        "hr/assignments.html", pagination=page, counts=counts, scope=scope, labels=STATE_LABELS, states=STATES
    )


def _request_from(form: AssignmentForm, scope: Opd | None) -> services.AssignmentRequest:
    """The form's values as a request; an uploaded CSV replaces the pasted list, and is put into the text
    box so that the page after a preview still carries it."""
    upload = form.nip_file.data
    nips = None
    if form.target_kind.data == TARGET_NIPS:
        if upload is not None and getattr(upload, "filename", ""):
            data = upload.read(MAX_CSV_BYTES + 1)
            if len(data) > MAX_CSV_BYTES:
                raise ValidationError(_("Berkas CSV terlalu besar (paling besar 2 MB)."))
            nips = services.read_nip_csv(data)
            form.nips.data = "\n".join(text for _line, text in nips.entries)
        else:
            nips = services.read_nip_text(form.nips.data or "")
    late = (form.late_join_days.data or "").strip()
    late_days = bounded_int(late, 1, 365) if late else None
    if late and late_days is None:
        raise ValidationError(_("Jumlah hari bagi pegawai yang bergabung kemudian harus 1 sampai 365."))
    kind = form.target_kind.data
    opd_ids: tuple[int, ...] = ()
    if kind == TARGET_OPD:
        opd_ids = tuple(parse_id(value) or 0 for value in form.opd_ids.data or [])
    return services.AssignmentRequest(
        module_id=parse_id(form.module.data),
        target_kind=kind,
        start_on=form.start_on.data,
        due_on=form.due_on.data,
        opd_ids=opd_ids,
        employee_type=form.employee_type.data if kind == TARGET_EMPLOYEE_TYPE else None,
        nips=nips,
        note=form.note.data,
        late_join_days=late_days,
        allow_earlier_completion=bool(form.allow_earlier_completion.data),
    )


@assignments.route("/hr/penugasan/baru", methods=["GET", "POST"])
@role_required(HR)
def create():
    """Assign a published module: preview first (who it reaches, NIPs that cannot be assigned), then create."""
    scope = _scope()
    form = AssignmentForm()
    modules = list(
        db.session.scalars(
            select(Module).where(Module.is_published.is_(True), Module.is_archived.is_(False)).order_by(Module.title)
        )
    )
    form.module.choices = [SelectChoice("", _("— pilih modul —"))] + [
        SelectChoice(str(m.id), f"{m.title} ({m.jp} JP)") for m in modules
    ]
    form.target_kind.choices = _target_kinds(scope)
    opds = [scope] if scope is not None else account_queries.list_opds(active_only=True)
    form.opd_ids.choices = [SelectChoice(str(o.id), o.name) for o in opds]
    if request.method == "GET":
        form.start_on.data = dates.today()
        form.target_kind.data = TARGET_ALL if scope is not None else TARGET_OPD
    plan = problems = None
    status = 200
    if form.validate_on_submit():
        try:
            assignment_request = _request_from(form, scope)
            if request.form.get("action") == "create":
                assignment = services.create_assignment(assignment_request, actor=current_user, scope=scope)
                db.session.commit()
                flash(_("Penugasan dibuat untuk %(n)s pegawai.", n=_member_total(assignment.id, scope)), "success")
                return redirect(url_for("assignments.detail", assignment_id=assignment.id))
            plan = services.plan_assignment(assignment_request, scope)
        except services.NipListError as error:
            db.session.rollback()
            problems = error.problems
            flash(str(error), "error")
            status = 400
        except ValidationError as error:
            db.session.rollback()
            flash(str(error), "error")
            status = 400
    elif request.method == "POST":
        status = 400
    return render_template("hr/assignment_new.html", form=form, plan=plan, problems=problems, scope=scope), status


def _member_total(assignment_id: int, scope: Opd | None) -> int:
    return sum(queries.state_counts([assignment_id], scope, dates.today())[assignment_id].values())


def _member_filters() -> queries.MemberFilters:
    state = request.args.get("status", "")
    return queries.MemberFilters(
        state=state if state in STATES else "",
        opd_id=id_arg("opd"),
        q=" ".join(request.args.get("q", "").split())[:200],
    )


@assignments.route("/hr/penugasan/<id:assignment_id>")
@role_required(HR)
def detail(assignment_id: int):
    """Progress: people per state, a table per OPD, and the per-person list (filtered, paged, exported)."""
    scope = _scope()
    assignment = queries.assignment_in_scope(scope, assignment_id)
    today = dates.today()
    filters = _member_filters()
    if request.args.get("format") in ("csv", "xlsx"):
        rows = [
            [
                row.nip,
                row.name,
                row.opd_name or "",
                row.due_on,
                str(STATE_LABELS[row.state]),
                row.completed_on,
                row.extension_reason or "",
            ]
            for row in db.session.execute(queries.member_rows(assignment.id, scope, today, filters))
        ]
        return _table_export(f"penugasan-{assignment.id}-{today.isoformat()}", MEMBER_COLUMNS, rows)
    by_opd = queries.progress_by_opd(assignment.id, scope, today)
    counts = sum((row.counts for row in by_opd), Counter())
    return render_template(
        "hr/assignment_detail.html",
        assignment=assignment,
        counts=counts,
        total=sum(counts.values()),
        by_opd=by_opd,
        pagination=queries.page_of_members(
            assignment.id, scope, today, filters, page_arg(), total=_filtered_total(by_opd, filters)
        ),
        filters=filters,
        args=filters.as_args(),
        opds=[scope] if scope is not None else account_queries.list_opds(),
        scope=scope,
        can_change=not assignment.is_cancelled and (scope is None or assignment.scope_opd_id == scope.id),
        labels=STATE_LABELS,
        badges=STATE_BADGES,
        states=STATES,
        format_nip=format_nip,
    )


def _filtered_total(by_opd: list[queries.OpdProgress], filters: queries.MemberFilters) -> int | None:
    """How many people the list shows, from the OPD table already counted; None (count it) for a search."""
    if filters.q:
        return None
    rows = [row for row in by_opd if not filters.opd_id or row.opd_id == filters.opd_id]
    return sum(row.counts[filters.state] if filters.state else row.total for row in rows)


def _edit_page(assignment: Assignment, edit_form, cancel_form, status: int = 200):
    return (
        render_template("hr/assignment_edit.html", assignment=assignment, edit_form=edit_form, cancel_form=cancel_form),
        status,
    )


def _changeable(assignment_id: int) -> tuple[Assignment, Opd | None]:
    scope = _scope()
    assignment = queries.assignment_in_scope(scope, assignment_id)
    services.check_can_change(assignment, scope)
    return assignment, scope


@assignments.route("/hr/penugasan/<id:assignment_id>/ubah", methods=["GET", "POST"])
@role_required(HR)
def edit(assignment_id: int):
    """Change the due date (members without a personal one follow) and the note; audited."""
    assignment, scope = _changeable(assignment_id)
    form = EditAssignmentForm(obj=assignment)
    if form.validate_on_submit():
        try:
            services.edit_assignment(
                assignment, actor=current_user, scope=scope, due_on=form.due_on.data, note=form.note.data
            )
        except ValidationError as error:
            db.session.rollback()
            flash(str(error), "error")
            return _edit_page(queries.assignment_in_scope(scope, assignment_id), form, CancelAssignmentForm(), 400)
        db.session.commit()
        flash(_("Penugasan diperbarui."), "success")
        return redirect(url_for("assignments.detail", assignment_id=assignment.id))
    return _edit_page(assignment, form, CancelAssignmentForm(), 400 if request.method == "POST" else 200)


@assignments.route("/hr/penugasan/<id:assignment_id>/batal", methods=["POST"])
@role_required(HR)
def cancel(assignment_id: int):
    """Cancel with a reason; audited. It leaves every Beranda and count at once."""
    assignment, scope = _changeable(assignment_id)
    form = CancelAssignmentForm()
    if not form.validate_on_submit():
        return _edit_page(assignment, EditAssignmentForm(obj=assignment), form, 400)
    services.cancel_assignment(assignment, actor=current_user, scope=scope, reason=form.reason.data)
    db.session.commit()
    flash(_("Penugasan dibatalkan."), "success")
    return redirect(url_for("assignments.detail", assignment_id=assignment.id))


@assignments.route("/hr/penugasan/<id:assignment_id>/pegawai/<id:user_id>/perpanjang", methods=["GET", "POST"])
@role_required(HR)
def extend(assignment_id: int, user_id: int):
    """A later due date for one person, with a reason; audited."""
    assignment, scope = _changeable(assignment_id)
    member = queries.member_in_scope(assignment.id, user_id, scope)
    form = ExtendForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.extend_member(
                assignment, user_id, actor=current_user, scope=scope, due_on=form.due_on.data, reason=form.reason.data
            )
        except ValidationError as error:
            db.session.rollback()
            flash(str(error), "error")
            status = 400
            assignment = queries.assignment_in_scope(scope, assignment_id)
            member = queries.member_in_scope(assignment.id, user_id, scope)
        else:
            db.session.commit()
            flash(_("Tenggat %(name)s diperpanjang.", name=member.user.name), "success")
            return redirect(url_for("assignments.detail", assignment_id=assignment.id))
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "hr/assignment_extend.html", assignment=assignment, member=member, form=form, format_nip=format_nip
        ),
        status,
    )
