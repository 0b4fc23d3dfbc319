"""The HR desk (role `hr`): certificates, people, OPD, JP recaps, review, SIASN; and the admin's page of HR
scopes (which OPD each HR account sees). It reads every domain; nothing imports it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import dates
from lms.accounts import queries as account_queries
from lms.accounts import services as account_services
from lms.accounts.models import ADMIN, HR
from lms.accounts.nip import format_nip
from lms.certificates import queries as certificate_queries
from lms.certificates import services
from lms.certificates.archive import stream_zip
from lms.certificates.forms import ConfirmForm, ReissueForm, RevokeForm
from lms.certificates.models import JP_EFFECT_LABELS, N_, REISSUED, REVOKE_CATEGORIES, Certificate
from lms.certificates.numbering import verification_url
from lms.certificates.pdf import JpRecap, RecapLine, render_jp_recap_pdf
from lms.csvutil import as_text, iter_csv, write_xlsx
from lms.errors import ValidationError
from lms.extensions import db
from lms.external import queries as external_queries
from lms.hr import queries
from lms.hr.exports import SIASN_COLUMNS, dmy, siasn_external
from lms.learning import queries as learning_queries
from lms.learning.timing import whole_minutes
from lms.params import date_arg, id_arg, page_arg, parse_id, year_arg
from lms.quizzes import queries as quiz_queries
from lms.quizzes import services as quiz_services
from lms.security import role_required
from lms.urls import public_url

hr = Blueprint("hr", __name__)


# --- helpers ---------------------------------------------------------------------------------------


def _year() -> int:
    """The year asked for (`?tahun=`), or this year at the office."""
    return year_arg() or dates.this_year()


def _filters() -> certificate_queries.CertificateFilters:
    status = request.args.get("status", "")
    return certificate_queries.CertificateFilters(
        q=" ".join(request.args.get("q", "").split())[:200],
        opd_id=id_arg("opd"),
        module_id=id_arg("modul"),
        status=status if status in certificate_queries.STATUS_FILTERS else "",
        date_from=date_arg("dari"),
        date_to=date_arg("sampai"),
        year=year_arg(),
    )


def _attachment(data, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _table_export(basename: str, header: list[str], rows: list[list]) -> Response | None:
    """The table as CSV (`?format=csv`, `&sep=,` or `;`) or XLSX (`?format=xlsx`); None for the page."""
    wanted = request.args.get("format")
    if wanted == "csv":
        delimiter = "," if request.args.get("sep") == "," else ";"
        return _attachment(iter_csv(header, rows, delimiter), f"{basename}.csv", "text/csv; charset=utf-8")
    if wanted == "xlsx":
        return _attachment(
            write_xlsx(header, rows, sheet_title=basename[:31]),
            f"{basename}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return None


STATUS_LABELS = {"valid": N_("Berlaku"), "expired": N_("Kedaluwarsa"), "revoked": N_("Dicabut")}  # exports: as is


def _scope():
    return account_queries.hr_scope_opd(current_user)


@hr.route("/hr")
@role_required(HR)
def desk():
    """The HR desk opens on the compliance dashboard (lms.hr.dashboard_views)."""
    return redirect(url_for("hr.dashboard"))


CERTIFICATE_COLUMNS = [
    "Nomor",
    "NIP",
    "Nama",
    "Perangkat Daerah",
    "Modul",
    "JP",
    "Nilai",
    "Tanggal mulai",
    "Tanggal selesai",
    "Tanggal terbit",
    "Berlaku sampai",
    "Status",
    "Kategori pencabutan",
    "URL verifikasi",
]


def _certificate_row(c: Certificate, today: date, public_url: str) -> list:
    return [
        as_text(c.number),
        as_text(c.nip),
        c.name,
        c.opd_name or "",
        c.module_title,
        c.jp,
        c.score if c.score is not None else "",
        as_text(dmy(c.started_on)),
        as_text(dmy(c.completed_on)),
        as_text(dmy(c.issued_on)),
        as_text(dmy(c.valid_until)) if c.valid_until else "",
        STATUS_LABELS[c.status_on(today)],
        c.revoke_label if c.is_revoked else "",
        verification_url(public_url, c.verification_code),
    ]


@hr.route("/hr/sertifikat")
@role_required(HR)
def search():
    """Search by name, NIP or number, OPD, module, status and completion dates; export what matches."""
    scope, filters = _scope(), _filters()
    today = dates.today()
    if request.args.get("format") in ("csv", "xlsx"):
        stmt = certificate_queries.search_certificates(scope, filters, today=today)
        address = public_url()
        rows = [_certificate_row(c, today, address) for c in db.session.scalars(stmt)]
        return _table_export(f"sertifikat-{today.isoformat()}", CERTIFICATE_COLUMNS, rows)
    pagination = certificate_queries.page_of_certificates(scope, filters, page_arg())
    return render_template(
        "hr/search.html",
        pagination=pagination,
        filters=filters,
        args=filters.as_args(),
        scope=scope,
        opds=queries.opd_choices(scope),
        modules=queries.module_choices(),
        statuses=certificate_queries.STATUS_FILTERS,
        status_of=lambda c: c.status_on(today),
        status_labels=STATUS_LABELS,
        format_nip=format_nip,
    )


@hr.route("/hr/sertifikat/unduh.zip")
@role_required(HR)
def download_zip():
    """Every matching certificate's PDF in one ZIP, streamed; a search that matches nothing says so."""
    scope, filters = _scope(), _filters()
    if certificate_queries.count_certificates(scope, filters) == 0:
        flash(
            _("Tidak ada sertifikat yang cocok dengan pencarian ini, jadi tidak ada berkas ZIP yang dibuat."), "error"
        )
        return redirect(url_for("hr.search", **filters.as_args()))
    stmt = certificate_queries.search_certificates(scope, filters)
    filename = f"sertifikat-{dates.today().isoformat()}.zip"
    return _attachment(stream_with_context(stream_zip(stmt)), filename, "application/zip")


@hr.route("/hr/sertifikat/<id:certificate_id>")
@role_required(HR)
def detail(certificate_id: int):
    certificate = certificate_queries.certificate_in_scope(_scope(), certificate_id)
    return _detail_page(certificate, RevokeForm(), ReissueForm())


def _detail_page(certificate: Certificate, revoke_form: RevokeForm, reissue_form: ReissueForm, status: int = 200):
    today = dates.today()
    replaces = db.session.scalar(select(Certificate).where(Certificate.replaced_by_id == certificate.id))
    html = render_template(
        "hr/detail.html",
        c=certificate,
        status=certificate.status_on(today),
        status_labels=STATUS_LABELS,
        revoke_form=revoke_form,
        reissue_form=reissue_form,
        replaces=replaces,
        url=verification_url(public_url(), certificate.verification_code),
        format_nip=format_nip,
        revoke_categories=REVOKE_CATEGORIES,
        jp_effects=[(key, label) for key, label in JP_EFFECT_LABELS.items() if key != REISSUED],
    )
    return html, status


@hr.route("/hr/sertifikat/<id:certificate_id>/cabut", methods=["POST"])
@role_required(HR)
def revoke(certificate_id: int):
    """Revoke with a category and a required reason; audited; the verification page shows it at once."""
    certificate = certificate_queries.certificate_in_scope(_scope(), certificate_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _detail_page(certificate, form, ReissueForm(), status=400)
    services.revoke_certificate(
        certificate, actor=current_user, category=form.category.data, reason=form.reason.data or ""
    )
    db.session.commit()
    flash(_("Sertifikat %(number)s telah dicabut.", number=certificate.number), "success")
    return redirect(url_for("hr.detail", certificate_id=certificate.id))


@hr.route("/hr/sertifikat/<id:certificate_id>/terbitkan-ulang", methods=["POST"])
@role_required(HR)
def reissue(certificate_id: int):
    """A corrected certificate with a new number; the old one is revoked and points to it; audited."""
    certificate = certificate_queries.certificate_in_scope(_scope(), certificate_id)
    form = ReissueForm()
    if not form.validate_on_submit():
        return _detail_page(certificate, RevokeForm(), form, status=400)
    new = services.reissue_certificate(certificate, actor=current_user, reason=form.reason.data or "")
    db.session.commit()
    flash(
        _("Sertifikat baru %(new)s diterbitkan menggantikan %(old)s.", new=new.number, old=certificate.number),
        "success",
    )
    return redirect(url_for("hr.detail", certificate_id=new.id))


# --- the HR desk: people -------------------------------------------------------------------------


@hr.route("/hr/asn")
@role_required(HR)
def people():
    scope = _scope()
    q = " ".join(request.args.get("q", "").split())[:200]
    opd_id = id_arg("opd")
    year = _year()
    pagination = queries.search_people(scope, q, opd_id, page_arg())
    jp = queries.jp_by_user([u.id for u in pagination.items], year)
    return render_template(
        "hr/people.html",
        pagination=pagination,
        q=q,
        opd_id=opd_id,
        year=year,
        jp=jp,
        scope=scope,
        opds=queries.opd_choices(scope),
        jp_target=learning_queries.jp_target,
    )


@hr.route("/hr/asn/<id:user_id>")
@role_required(HR)
def person(user_id: int):
    """One ASN: modules in progress with percent, completed modules, JP this year against the target."""
    user = queries.person_in_scope(_scope(), user_id)
    year = _year()
    overview = queries.person_overview(user, year)
    table = request.args.get("tabel")
    if table == "proses":
        rows = [
            [i.module.title, f"{i.percent}", as_text(dmy(dates.local_date(i.last_activity_at)))]
            for i in overview.in_progress
        ]
        export = _table_export(f"dalam-proses-{user.nip}", ["Modul", "Persen", "Aktivitas terakhir"], rows)
    else:
        rows = [
            [
                as_text(user.nip),
                item.completion.module.title,
                as_text(dmy(dates.local_date(item.completion.completed_at))),
                item.completion.counted_jp,
                item.completion.score if item.completion.score is not None else "",
                as_text(item.certificate.number) if item.certificate else "",
                *_reading_cells(item.completion),
            ]
            for item in overview.completed_this_year
        ]
        header = ["NIP", "Modul", "Tanggal selesai", "JP", "Nilai", "Nomor sertifikat", *READING_COLUMNS]
        export = _table_export(f"selesai-{year}-{user.nip}", header, rows)
    if export is not None:
        return export
    return render_template(
        "hr/person.html",
        overview=overview,
        user=user,
        year=year,
        form=ConfirmForm(),
        format_nip=format_nip,
        status_labels=STATUS_LABELS,
        status_of=lambda c: c.status_on(dates.today()),
        reading_minutes=whole_minutes,
        quiz_standings=quiz_queries.quiz_standings(user.id),
        external=external_queries.trainings_of(user.id),
    )


# Reading time in exports: whole minutes read and expected (empty: completed before it was measured).
READING_COLUMNS = ["Waktu baca (menit)", "Perkiraan waktu pelajaran (menit)"]


def _reading_cells(completion) -> list:
    if completion.engaged_seconds is None:
        return ["", completion.expected_minutes if completion.expected_minutes is not None else ""]
    return [whole_minutes(completion.engaged_seconds), completion.expected_minutes or ""]


def _review_share() -> float:
    return float(current_app.config["REVIEW_TIME_SHARE"])


@hr.route("/hr/perlu-ditinjau")
@role_required(HR)
def review():
    """Completions whose reading time is under LMS_REVIEW_TIME_SHARE of the expected minutes, by OPD."""
    scope = _scope()
    year = _year()
    opd_id = scope.id if scope is not None else id_arg("opd")
    share = _review_share()
    completions = queries.completions_to_review(scope, year, share, opd_id)
    export = _table_export(
        f"perlu-ditinjau-{year}" + (f"-opd-{opd_id}" if opd_id else ""),
        ["NIP", "Nama", "Perangkat Daerah", "Modul", "Tanggal selesai", "JP", *READING_COLUMNS, "Persen"],
        [
            [
                as_text(c.user.nip),
                c.user.name,
                c.user.opd.name if c.user.opd else "",
                c.module.title,
                as_text(dmy(dates.local_date(c.completed_at))),
                c.counted_jp,
                *_reading_cells(c),
                _reading_percent(c),
            ]
            for c in completions
        ],
    )
    if export is not None:
        return export
    return render_template(
        "hr/review.html",
        completions=completions[:200],
        total=len(completions),
        year=year,
        opd_id=opd_id,
        scope=scope,
        opds=queries.opd_choices(scope),
        share_percent=round(share * 100),
        min_share_percent=round(float(current_app.config["MIN_TIME_SHARE"]) * 100),
        format_nip=format_nip,
        reading_minutes=whole_minutes,
        reading_percent=_reading_percent,
    )


def _reading_percent(completion) -> int:
    """Reading time as a whole percentage of the expected minutes (rounded down)."""
    if not completion.expected_minutes or completion.engaged_seconds is None:
        return 0
    return completion.engaged_seconds * 100 // (completion.expected_minutes * 60)


@hr.route("/hr/asn/<id:user_id>/kesempatan-kuis", methods=["POST"])
@role_required(HR)
def grant_quiz_attempts(user_id: int):
    """HR gives one ASN of her scope more attempts on a quiz, with a reason (kept in the audit log)."""
    user = queries.person_in_scope(_scope(), user_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("Formulir sudah kedaluwarsa. Silakan coba lagi."), "error")
        return redirect(url_for("hr.person", user_id=user.id))
    quiz_id, extra = quiz_services.read_grant_form(request.form.get("quiz_id"), request.form.get("extra"))
    quiz = quiz_queries.quiz_by_id(quiz_id)
    quiz_services.grant_attempts(user, quiz, extra, request.form.get("reason", ""), current_user._get_current_object())
    db.session.commit()
    flash(_("Kesempatan tambahan sudah diberikan dan dicatat di log audit."), "success")
    return redirect(url_for("hr.person", user_id=user.id))


@hr.route("/hr/asn/<id:user_id>/terbitkan", methods=["POST"])
@role_required(HR)
def issue_pending(user_id: int):
    """Issue the certificates that could not be issued at completion (after the data was corrected)."""
    user = queries.person_in_scope(_scope(), user_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("Formulir sudah kedaluwarsa. Silakan coba lagi."), "error")
        return redirect(url_for("hr.person", user_id=user.id))
    issued, refused = services.issue_missing(user_id=user.id)
    db.session.commit()
    if issued:
        flash(_("%(n)s sertifikat diterbitkan.", n=len(issued)), "success")
    for message in refused:
        flash(message, "error")
    if not issued and not refused:
        flash(_("Tidak ada sertifikat yang tertunda."), "info")
    return redirect(url_for("hr.person", user_id=user.id))


@hr.route("/hr/asn/<id:user_id>/rekap-jp-<year:year>.pdf")
@role_required(HR)
def jp_recap(user_id: int, year: int):
    """The yearly JP recap of one ASN as PDF: each module completed that year, then each approved training
    outside Lentera ending that year (labelled Eksternal), their JP, the total."""
    user = queries.person_in_scope(_scope(), user_id)
    completions = queries.counted_completions_in_year(user, year)
    numbers = queries.current_certificates([c.id for c in completions])
    settings = services.certificate_settings()
    recap = JpRecap(
        name=user.name,
        nip=user.nip,
        opd=user.opd.name if user.opd else None,
        instansi=settings.instansi,
        organiser=settings.organiser,
        year=year,
        target=learning_queries.jp_target(user),
        lines=tuple(
            RecapLine(
                completed_on=dates.local_date(c.completed_at),
                module_title=c.module.title,
                jp=c.jp,
                certificate_number=numbers[c.id].number if c.id in numbers and not numbers[c.id].is_revoked else None,
            )
            for c in completions
        )
        + tuple(
            RecapLine(
                completed_on=t.end_on,
                module_title=t.name,
                jp=t.jp,
                certificate_number=t.certificate_number,
                organiser=t.organiser,
            )
            for t in external_queries.approved_in_year(user.id, year)
        ),
        printed_on=dates.today(),
    )
    return _attachment(render_jp_recap_pdf(recap, settings), f"rekap-jp-{year}-{user.nip}.pdf", "application/pdf")


# --- the HR desk: OPDs ---------------------------------------------------------------------------


@hr.route("/hr/opd")
@role_required(HR)
def opds():
    scope = _scope()
    if scope is not None:
        # Only what the OPD page reads is carried over: `endpoint=` or `opd_id=` must not reach url_for.
        carried = {key: request.args[key] for key in ("tahun", "format", "sep") if key in request.args}
        return redirect(url_for("hr.opd", opd_id=scope.id, **carried))
    year = _year()
    rows = queries.opd_overview(None, year)
    export = _table_export(
        f"opd-jp-{year}",
        ["Perangkat Daerah", "Jumlah ASN", "Mencapai target", "Jumlah JP", "JP eksternal"],
        [[r.opd.name, r.people, r.reached, r.jp, r.external] for r in rows],
    )
    if export is not None:
        return export
    return render_template("hr/opds.html", rows=rows, year=year)


@hr.route("/hr/opd/<id:opd_id>")
@role_required(HR)
def opd(opd_id: int):
    """An OPD's ASN with their JP this year, and how many reached their target."""
    unit = queries.opd_in_scope(_scope(), opd_id)
    year = _year()
    rows = queries.opd_jp_rows(unit, year)
    export = _table_export(
        f"jp-{year}-opd-{unit.id}",
        ["NIP", "Nama", "Jenis pegawai", "JP tahun ini", "Target", "Tercapai", "JP eksternal"],
        [
            [
                as_text(r.user.nip),
                r.user.name,
                r.user.employee_type,
                r.jp,
                r.target,
                "ya" if r.reached else "belum",
                r.external,
            ]
            for r in rows
        ],
    )
    if export is not None:
        return export
    return render_template(
        "hr/opd.html",
        unit=unit,
        rows=rows,
        year=year,
        reached=sum(1 for r in rows if r.reached),
        format_nip=format_nip,
    )


# --- the HR desk: SIASN --------------------------------------------------------------------------


@hr.route("/hr/siasn")
@role_required(HR)
def siasn():
    """Completions in SIASN's riwayat kursus fields (valid certificates, snapshot values), CSV or XLSX."""
    scope = _scope()
    filters = _filters()
    if not filters.year and not filters.date_from and not filters.date_to:
        filters = replace(filters, year=dates.this_year())
    courses = queries.siasn_courses(scope, filters)
    # Training outside Lentera is not a Lentera course: only when HR asks for it (and no module is chosen).
    with_external = request.args.get("eksternal") == "1"
    if with_external and not filters.module_id:
        courses += [
            siasn_external(t)
            for t in external_queries.approved_for_export(
                scope, year=filters.year, opd_id=filters.opd_id, date_from=filters.date_from, date_to=filters.date_to
            )
        ]
        courses.sort(key=lambda c: (c.nip, c.tanggal_selesai_kursus))
    wanted = request.args.get("format")
    if wanted in ("csv", "xlsx"):
        return _table_export(
            f"siasn-riwayat-kursus-{filters.year or 'pilihan'}", list(SIASN_COLUMNS), [c.row() for c in courses]
        )
    return render_template(
        "hr/siasn.html",
        courses=courses[:100],
        total=len(courses),
        filters=filters,
        args={**filters.as_args(), **({"eksternal": "1"} if with_external else {})},
        with_external=with_external,
        scope=scope,
        opds=queries.opd_choices(scope),
        modules=queries.module_choices(),
        columns=SIASN_COLUMNS,
    )


# --- the admin: HR scopes ------------------------------------------------------------------------

CITY_WIDE = "kota"  # the select's value for "the whole city"; an OPD is chosen by its id


def _chosen_scope(value: str | None) -> int | None:
    """The OPD id chosen in the form, or None for city-wide; anything else is refused — a garbled value
    must never widen an account to the whole city."""
    if value == CITY_WIDE:
        return None
    opd_id = parse_id(value)
    if not opd_id:
        raise ValidationError("OPD yang dipilih tidak ditemukan. Muat ulang halaman, lalu pilih lagi.")
    return opd_id


def _hr_scopes_page(form: ConfirmForm, status: int = 200):
    html = render_template(
        "hr/hr_scopes.html",
        accounts=account_queries.hr_accounts(),
        opds=queries.opd_choices(None),
        form=form,
        city=CITY_WIDE,
        format_nip=format_nip,
    )
    return html, status


@hr.route("/admin/lingkup-hr", methods=["GET", "POST"])
@role_required(ADMIN)
def hr_scopes():
    """Every HR account with what it sees — the whole city (BKPP) or one OPD — and a form to change it.

    A change is audited; a bad choice (unknown OPD, an account without the HR role) changes nothing
    and says why.
    """
    form = ConfirmForm()
    if request.method == "GET":
        return _hr_scopes_page(form)
    if not form.validate_on_submit():
        abort(400)
    try:
        user, opd, changed = account_services.change_hr_scope(
            parse_id(request.form.get("user_id")), _chosen_scope(request.form.get("opd_id")), actor=current_user
        )
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _hr_scopes_page(form, status=400)
    db.session.commit()
    if not changed:
        flash(_("Tidak ada perubahan: cakupan %(name)s sudah seperti itu.", name=user.name), "info")
    elif opd is None:
        flash(_("%(name)s kini melihat ASN dan sertifikat seluruh kota.", name=user.name), "success")
    else:
        flash(_("%(name)s kini hanya melihat ASN dan sertifikat %(opd)s.", name=user.name, opd=opd.name), "success")
    return redirect(url_for("hr.hr_scopes"))
