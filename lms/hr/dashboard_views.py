"""The compliance dashboard of the HR desk (routes on the `hr` blueprint): the city, each OPD, the people
below target, with SVG charts, CSV/XLSX exports and a one-page PDF per OPD. An OPD-scoped HR account
sees only her OPD: the city page takes her to it, another OPD answers 404."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms import dates
from lms.accounts.models import HR
from lms.accounts.nip import format_nip
from lms.certificates import services as certificate_services
from lms.csvutil import as_text
from lms.hr import charts, queries
from lms.hr import dashboard as reads
from lms.hr.pdf import OpdSummary, render_opd_summary_pdf
from lms.hr.views import _attachment, _scope, _table_export, _year, hr
from lms.params import id_arg, page_arg
from lms.security import role_required

MONTHS = (
    _l("Jan"),
    _l("Feb"),
    _l("Mar"),
    _l("Apr"),
    _l("Mei"),
    _l("Jun"),
    _l("Jul"),
    _l("Agu"),
    _l("Sep"),
    _l("Okt"),
    _l("Nov"),
    _l("Des"),
)
PDF_BELOW_LIMIT = 15  # people below target listed by name on the one-page summary

# Exports are read by spreadsheets and other programs: column names stay in Bahasa Indonesia.
OPD_COLUMNS = [
    "Perangkat Daerah",
    "Jumlah ASN",
    "Mencapai target",
    "Persen mencapai target",
    "Belum mencapai target",
    "JP Lentera",
    "JP luar Lentera",
    "Jumlah JP",
    "Wajib selesai tepat waktu",
    "Wajib selesai terlambat",
    "Wajib lewat tenggat",
    "Wajib belum jatuh tempo",
]
PERSON_COLUMNS = [
    "NIP",
    "Nama",
    "Perangkat Daerah",
    "Jenis pegawai",
    "JP Lentera",
    "JP luar Lentera",
    "Jumlah JP",
    "Target",
    "Kekurangan JP",
    "Status",
    "Wajib selesai tepat waktu",
    "Wajib selesai terlambat",
    "Wajib lewat tenggat",
    "Wajib belum jatuh tempo",
]


def _mandatory_cells(m: reads.Mandatory | None) -> list:
    m = m or reads.Mandatory()
    return [m.on_time, m.late, m.overdue, m.pending]


def _opd_row(row: reads.OpdCompliance) -> list:
    f = row.figures
    return [
        row.name,
        f.people,
        f.reached,
        f.percent,
        f.below,
        f.lentera_jp,
        f.external_jp,
        f.jp,
        *_mandatory_cells(f.mandatory),
    ]


def _person_row(p: reads.PersonCompliance) -> list:
    return [
        as_text(p.nip),
        p.name,
        p.opd_name,
        p.employee_type,
        p.lentera_jp,
        p.external_jp,
        p.jp,
        p.target,
        p.needed,
        "tercapai" if p.reached else "belum",
        *_mandatory_cells(p.mandatory),
    ]


def _q() -> str:
    return " ".join(request.args.get("q", "").split())[:200]


def _month_rows(months: list[reads.Month]) -> list[list]:
    return [[MONTHS[m.month - 1], m.completions, m.jp] for m in months]


# --- charts --------------------------------------------------------------------------------------


def _month_chart(months: list[reads.Month], year: int, chart_id: str):
    total = sum(m.completions for m in months)
    busiest = max(months, key=lambda m: m.completions)
    if total:
        summary = _(
            "%(total)s modul diselesaikan sepanjang %(year)s; terbanyak pada bulan %(month)s (%(n)s).",
            total=total,
            year=year,
            month=MONTHS[busiest.month - 1],
            n=busiest.completions,
        )
    else:
        summary = _("Belum ada modul yang diselesaikan pada %(year)s.", year=year)
    svg = charts.line_chart(
        [charts.Point(str(MONTHS[m.month - 1]), m.completions) for m in months],
        chart_id=chart_id,
        title=_("Penyelesaian modul per bulan, %(year)s", year=year),
        desc=summary,
    )
    return svg, summary


def _bucket_label(bucket: reads.Bucket) -> str:
    return _("Tercapai") if bucket.reached else bucket.label


def _distribution_chart(buckets: list[reads.Bucket], people: int, year: int, chart_id: str):
    reached = buckets[-1].count if buckets else 0
    zero = buckets[0].count if buckets and not buckets[0].reached else 0
    summary = _(
        "Dari %(people)s ASN, %(reached)s telah mencapai target JP %(year)s dan %(zero)s belum memperoleh "
        "JP sama sekali.",
        people=people,
        reached=reached,
        year=year,
        zero=zero,
    )
    svg = charts.histogram(
        [charts.Point(_bucket_label(b), b.count) for b in buckets],
        chart_id=chart_id,
        title=_("Sebaran JP per ASN, %(year)s", year=year),
        desc=summary,
    )
    return svg, summary


def _opd_chart(rows: list[reads.OpdCompliance], total: reads.Compliance, year: int):
    if rows:
        ranked = sorted(rows, key=lambda r: (r.figures.percent, r.name))
        summary = _(
            "%(percent)s%% ASN kota mencapai target JP %(year)s. Terendah: %(low)s (%(low_p)s%%); "
            "tertinggi: %(high)s (%(high_p)s%%).",
            percent=total.percent,
            year=year,
            low=ranked[0].name,
            low_p=ranked[0].figures.percent,
            high=ranked[-1].name,
            high_p=ranked[-1].figures.percent,
        )
    else:
        summary = _("Belum ada OPD.")
    svg = charts.bar_chart(
        [
            charts.BarItem(
                r.name,
                r.figures.percent,
                _("%(p)s%% (%(r)s/%(n)s)", p=r.figures.percent, r=r.figures.reached, n=r.figures.people),
            )
            for r in rows
        ],
        chart_id="chart-opd",
        title=_("ASN yang mencapai target JP per OPD, %(year)s", year=year),
        desc=summary,
        empty_text=_("Belum ada OPD."),
    )
    return svg, summary


# --- pages ---------------------------------------------------------------------------------------


@hr.route("/hr/dasbor")
@role_required(HR)
def dashboard():
    """The city: JP against the target per OPD, mandatory modules, three charts; the OPD table exports."""
    scope = _scope()
    if scope is not None:
        carried = {key: request.args[key] for key in ("tahun",) if key in request.args}
        return redirect(url_for("hr.dashboard_opd", opd_id=scope.id, **carried))
    year = _year()
    found = reads.figures(None, year)
    rows, buckets = found.rows, found.buckets
    export = _table_export(f"kepatuhan-jp-{year}-opd", OPD_COLUMNS, [_opd_row(r) for r in rows])
    if export is not None:
        return export
    total = reads.total_of(rows)
    months = reads.monthly_completions(None, year)
    return render_template(
        "hr/dashboard.html",
        year=year,
        rows=rows,
        total=total,
        unplaced=reads.unplaced_count(None),
        month_rows=_month_rows(months),
        bucket_rows=[[_bucket_label(b), b.count] for b in buckets],
        opd_chart=_opd_chart(rows, total, year),
        month_chart=_month_chart(months, year, "chart-months"),
        distribution_chart=_distribution_chart(buckets, total.people, year, "chart-distribution"),
        targets=reads.targets(),
    )


@hr.route("/hr/dasbor/opd/<id:opd_id>")
@role_required(HR)
def dashboard_opd(opd_id: int):
    """One OPD: its figures, two charts, and every ASN with JP (Lentera, external), target and mandatory
    modules (paginated, NIP search); the people table exports whole."""
    scope = _scope()
    unit = queries.opd_in_scope(scope, opd_id)
    year = _year()
    q = _q()
    if request.args.get("format") in ("csv", "xlsx"):
        everyone = reads.people(scope, year, opd_id=unit.id, q=q, page=None)
        return _table_export(
            f"kepatuhan-jp-{year}-opd-{unit.id}", PERSON_COLUMNS, [_person_row(p) for p in everyone.items]
        )
    found = reads.figures(scope, year, unit.id)
    figures = found.rows[0].figures if found.rows else reads.Compliance()
    buckets = found.buckets
    months = reads.monthly_completions(scope, year, unit.id)
    return render_template(
        "hr/dashboard_opd.html",
        unit=unit,
        year=year,
        q=q,
        figures=figures,
        pagination=reads.people(scope, year, opd_id=unit.id, q=q, page=page_arg()),
        month_rows=_month_rows(months),
        bucket_rows=[[_bucket_label(b), b.count] for b in buckets],
        month_chart=_month_chart(months, year, "chart-months"),
        distribution_chart=_distribution_chart(buckets, figures.people, year, "chart-distribution"),
        format_nip=format_nip,
        is_scoped=scope is not None,
    )


@hr.route("/hr/dasbor/belum-target")
@role_required(HR)
def dashboard_below():
    """ASN below their JP target (most JP needed first within each OPD), with how many JP each still
    needs; OPD filter and NIP search; the whole list exports."""
    scope = _scope()
    year = _year()
    q = _q()
    opd_id = scope.id if scope is not None else id_arg("opd")
    if opd_id is not None:
        queries.opd_in_scope(scope, opd_id)
    if request.args.get("format") in ("csv", "xlsx"):
        everyone = reads.people(scope, year, opd_id=opd_id, q=q, below_only=True, page=None)
        suffix = f"-opd-{opd_id}" if opd_id else ""
        return _table_export(
            f"belum-target-jp-{year}{suffix}", PERSON_COLUMNS, [_person_row(p) for p in everyone.items]
        )
    return render_template(
        "hr/dashboard_below.html",
        year=year,
        q=q,
        opd_id=opd_id,
        scope=scope,
        opds=queries.opd_choices(scope),
        pagination=reads.people(scope, year, opd_id=opd_id, q=q, below_only=True, page=page_arg()),
        format_nip=format_nip,
    )


@hr.route("/hr/dasbor/opd/<id:opd_id>/ringkasan.pdf")
@role_required(HR)
def dashboard_opd_pdf(opd_id: int):
    """The OPD's one-page summary for its head (Kepala OPD), as PDF."""
    scope = _scope()
    unit = queries.opd_in_scope(scope, opd_id)
    year = _year()
    rows = reads.opd_compliance(scope, year, opd_id=unit.id)
    figures = rows[0].figures if rows else reads.Compliance()
    below, below_total = reads.below_target_preview(scope, year, unit.id, PDF_BELOW_LIMIT)
    settings = certificate_services.certificate_settings()
    summary = OpdSummary(
        opd=unit.name,
        instansi=settings.instansi,
        organiser=settings.organiser,
        year=year,
        figures=figures,
        targets=reads.targets(),
        below=tuple(below),
        below_total=below_total,
        printed_at=dates.now(),
        printed_by=current_user.name,
    )
    return _attachment(
        render_opd_summary_pdf(summary, lms_name=settings.lms_name),
        f"ringkasan-jp-{year}-opd-{unit.id}.pdf",
        "application/pdf",
    )
