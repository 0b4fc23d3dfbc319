"""The trainers' module desk in the browser: upload, edit, check, submit, review, publish, history, guide."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.models import ADMIN, KURATOR, PELATIH
from lms.accounts.nip import normalise_nip
from lms.authoring import queries, services
from lms.authoring.forms import (
    AddFileForm,
    EditForm,
    NewModuleForm,
    OwnerForm,
    RenameForm,
    ReturnForm,
    RevisionForm,
    UploadZipForm,
)
from lms.database import mark_request_writes
from lms.errors import DomainError, NotFound, ValidationError
from lms.extensions import db
from lms.params import bounded_int, parse_id
from lms.security import role_required

authoring = Blueprint("authoring", __name__)
AUTHORS = (PELATIH, KURATOR, ADMIN)
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def _fail(error: DomainError, target: str):
    """A refused change: nothing written, her message shown on the page she came from."""
    db.session.rollback()
    flash(error.message, "error")
    return redirect(target)


def _editable(slug: str):
    source = queries.source_by_slug(slug)
    services.require_editor(current_user, source)
    return source


def _revision() -> int | None:
    return parse_id(request.form.get("revision"))


def _published_files(source) -> dict[str, bytes]:
    latest = source.latest
    return latest.file_map() if latest else {}


def _problems(result, slug: str) -> list[dict]:
    """Each error and warning as {kind, text, file, line}: `file` is the path inside the module, for the link."""
    problems = []
    for kind, items in (("error", result.errors), ("warning", result.warnings)):
        for item in items:
            rel = item.path[len(slug) + 1 :] if item.path.startswith(slug + "/") else None
            problems.append(
                {"kind": kind, "text": f"{item.path}:{item.line}: {item.message}", "file": rel, "line": item.line}
            )
    return problems


@authoring.route("/pelatih/modul/naskah")
@role_required(*AUTHORS)
def index():
    everything = services.is_reviewer(current_user)
    return render_template(
        "authoring/index.html",
        sources=queries.editable_sources(current_user, everything=everything),
        queue=queries.review_queue() if everything else [],
    )


@authoring.route("/pelatih/modul/baru", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new():
    form = NewModuleForm()
    if form.validate_on_submit():
        slug = form.slug.data.strip()
        try:
            services.create_from_template(slug, form.title.data, current_user)
        except DomainError as error:
            return _fail(error, url_for("authoring.new"))
        db.session.commit()
        flash(_("Modul dibuat dari templat. Sunting berkasnya, lalu ajukan untuk ditinjau."), "success")
        return redirect(url_for("authoring.draft", slug=slug))
    return render_template("authoring/new.html", form=form)


@authoring.route("/pelatih/modul/unggah", methods=["GET", "POST"])
@role_required(*AUTHORS)
def upload():
    form = UploadZipForm()
    if form.validate_on_submit():
        try:
            source = services.upload_zip(form.archive.data.read(), current_user)
        except DomainError as error:
            return _fail(error, url_for("authoring.upload"))
        slug = source.slug
        db.session.commit()
        flash(_("ZIP diterima dan disimpan sebagai naskah. Hasil pemeriksaan ada di bawah."), "success")
        return redirect(url_for("authoring.draft", slug=slug))
    if request.method == "POST":
        flash(_("Pilih berkas ZIP folder modul terlebih dahulu."), "error")
    return render_template("authoring/upload.html", form=form, limits=services.upload_limits())


@authoring.route("/pelatih/panduan")
@role_required(*AUTHORS)
def guide():
    from lms.content.render import render_markdown

    try:
        html = render_markdown(GUIDE.read_text(encoding="utf-8"))
    except OSError:
        raise NotFound("Panduan penulisan belum tersedia di server ini.") from None
    return render_template("authoring/guide.html", html=html)


@authoring.route("/pelatih/modul/<slug>/naskah")
@role_required(*AUTHORS)
def draft(slug: str):
    source = _editable(slug)
    draft = source.draft
    files = draft.file_map() if draft else _published_files(source)
    result = services.check_files(slug, files)
    return render_template(
        "authoring/draft.html",
        source=source,
        draft=draft,
        files=files,
        result=result,
        problems=_problems(result, slug),
        can_publish=draft is not None and services.can_publish(current_user, source),
        is_admin=current_user.has_role(ADMIN),
        add_form=AddFileForm(revision=draft.revision if draft else ""),
        action_form=RevisionForm(revision=draft.revision if draft else ""),
        owner_form=OwnerForm(),
    )


@authoring.route("/pelatih/modul/<slug>/sunting/<path:name>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def edit(slug: str, name: str):
    """A Markdown file in a plain textarea; every save runs the checker; a stale save shows both texts."""
    source = _editable(slug)
    if request.method == "POST":
        form = EditForm()
        if not form.validate_on_submit():
            raise ValidationError(_("Formulir tidak lengkap atau kedaluwarsa. Muat ulang halaman lalu coba lagi."))
        try:
            services.save_text(source, name, form.text.data or "", _revision(), current_user)
        except services.StaleSave as stale:
            db.session.rollback()
            fresh = EditForm(formdata=None, revision=stale.revision, text=stale.hers)
            return render_template(
                "authoring/edit.html", source=source, name=name, form=fresh, stale=stale, problems=[], line=None
            ), 409
        except DomainError as error:
            return _fail(error, url_for("authoring.edit", slug=slug, name=name))
        db.session.commit()
        flash(_("Tersimpan."), "success")
        return redirect(url_for("authoring.edit", slug=slug, name=name))
    if source.draft is None:
        mark_request_writes()  # the first look at a published module starts its draft
    draft = services.draft_for_editing(source, current_user)
    db.session.commit()
    files = draft.file_map()
    if name not in files or not name.endswith(".md"):
        raise NotFound("Berkas Markdown itu tidak ada di naskah.")
    result = services.check_files(slug, files)
    problems = [p for p in _problems(result, slug) if p["file"] == name]
    form = EditForm(formdata=None, revision=draft.revision, text=files[name].decode("utf-8", errors="replace"))
    line = bounded_int(request.args.get("baris"), 1, 1_000_000)
    return render_template(
        "authoring/edit.html",
        source=source,
        name=name,
        form=form,
        stale=None,
        problems=problems,
        all_problems=len(result.errors),
        line=line,
        line_text=_line_text(files[name], line),
        seconds=result.seconds,
    )


def _line_text(data: bytes, line: int | None) -> str | None:
    if line is None:
        return None
    lines = data.decode("utf-8", errors="replace").split("\n")
    return lines[line - 1] if line <= len(lines) else None


@authoring.route("/pelatih/modul/<slug>/berkas", methods=["POST"])
@role_required(*AUTHORS)
def add_file(slug: str):
    source = _editable(slug)
    form = AddFileForm()
    back = url_for("authoring.draft", slug=slug)
    if not form.validate_on_submit():
        return _fail(
            ValidationError(_("Formulir tidak lengkap atau kedaluwarsa. Muat ulang halaman lalu coba lagi.")), back
        )
    upload = form.upload.data
    try:
        if upload and getattr(upload, "filename", ""):
            path = services.add_file(source, upload.filename, upload.read(), _revision(), current_user)
        elif form.name.data:
            name = form.name.data.strip()
            title = name.removesuffix(".md").split("-", 1)[-1].replace("-", " ").capitalize()
            body = services.TEMPLATE_LESSON.format(title=title or "Pelajaran baru").encode()
            path = services.add_file(source, name, body, _revision(), current_user)
        else:
            raise ValidationError(_("Tulis nama berkas baru atau pilih berkas untuk diunggah."))
    except DomainError as error:
        return _fail(error, back)
    db.session.commit()
    flash(_("Berkas %(path)s ditambahkan.", path=path), "success")
    if path.endswith(".md"):
        return redirect(url_for("authoring.edit", slug=slug, name=path))
    return redirect(back)


@authoring.route("/pelatih/modul/<slug>/ganti-nama/<path:name>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def rename_file(slug: str, name: str):
    source = _editable(slug)
    if source.draft is None:
        mark_request_writes()
    draft = services.draft_for_editing(source, current_user)
    if name not in draft.file_map():
        raise NotFound("Berkas tidak ditemukan di naskah.")
    form = RenameForm(revision=draft.revision, new_name=name)
    if form.validate_on_submit():
        try:
            services.rename_file(source, name, form.new_name.data.strip(), _revision(), current_user)
        except DomainError as error:
            return _fail(error, url_for("authoring.rename_file", slug=slug, name=name))
        db.session.commit()
        flash(_("Nama berkas diganti."), "success")
        return redirect(url_for("authoring.draft", slug=slug))
    db.session.commit()
    return render_template("authoring/rename.html", source=source, name=name, form=form)


@authoring.route("/pelatih/modul/<slug>/hapus/<path:name>", methods=["POST"])
@role_required(*AUTHORS)
def delete_file(slug: str, name: str):
    source = _editable(slug)
    back = url_for("authoring.draft", slug=slug)
    if not RevisionForm().validate_on_submit():
        return _fail(ValidationError(_("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")), back)
    try:
        services.delete_file(source, name, _revision(), current_user)
    except DomainError as error:
        return _fail(error, back)
    db.session.commit()
    flash(_("Berkas %(path)s dihapus dari naskah.", path=name), "success")
    return redirect(back)


@authoring.route("/pelatih/modul/<slug>/ajukan", methods=["POST"])
@role_required(*AUTHORS)
def submit(slug: str):
    source = _editable(slug)
    back = url_for("authoring.draft", slug=slug)
    if not RevisionForm().validate_on_submit():
        return _fail(ValidationError(_("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")), back)
    try:
        services.submit(source, current_user)
    except DomainError as error:
        return _fail(error, back)
    db.session.commit()
    flash(_("Naskah diajukan. Kurator akan meninjaunya."), "success")
    return redirect(back)


@authoring.route("/pelatih/modul/<slug>/tinjau")
@role_required(*AUTHORS)
def review(slug: str):
    """The draft, its check result and its differences from the published version, file by file."""
    from lms.authoring.diff import file_diffs

    source = _editable(slug)
    if source.draft is None:
        raise NotFound("Tidak ada naskah untuk ditinjau.")
    files = source.draft.file_map()
    result = services.check_files(slug, files)
    return render_template(
        "authoring/review.html",
        source=source,
        draft=source.draft,
        result=result,
        problems=_problems(result, slug),
        diffs=file_diffs(_published_files(source), files),
        can_publish=services.can_publish(current_user, source),
        is_reviewer=services.is_reviewer(current_user),
        action_form=RevisionForm(),
        return_form=ReturnForm(),
    )


@authoring.route("/pelatih/modul/<slug>/terbitkan", methods=["POST"])
@role_required(*AUTHORS)
def publish(slug: str):
    source = _editable(slug)
    back = url_for("authoring.review", slug=slug)
    if not RevisionForm().validate_on_submit():
        return _fail(ValidationError(_("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")), back)
    try:
        version = services.publish(source, current_user)
    except DomainError as error:
        return _fail(error, back if source.draft else url_for("authoring.history", slug=slug))
    number = version.number
    db.session.commit()
    flash(
        _("Versi %(number)s terbit. Peserta kini melihat isi yang baru; kemajuan mereka tetap.", number=number),
        "success",
    )
    return redirect(url_for("authoring.history", slug=slug))


@authoring.route("/pelatih/modul/<slug>/kembalikan", methods=["POST"])
@role_required(KURATOR, ADMIN)
def return_draft(slug: str):
    source = queries.source_by_slug(slug)
    back = url_for("authoring.review", slug=slug)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _fail(ValidationError(_("Tulis alasan pengembalian agar pelatih tahu apa yang perlu diperbaiki.")), back)
    try:
        services.return_draft(source, current_user, form.comment.data)
    except DomainError as error:
        return _fail(error, back)
    db.session.commit()
    flash(_("Naskah dikembalikan kepada pelatih dengan catatan Anda."), "success")
    return redirect(url_for("authoring.index"))


@authoring.route("/pelatih/modul/<slug>/riwayat")
@role_required(*AUTHORS)
def history(slug: str):
    """Every version; two of them (?dari=N&ke=M) compared line by line."""
    from lms.authoring.diff import file_diffs

    source = _editable(slug)
    numbers = [v.number for v in source.versions]
    low = bounded_int(request.args.get("dari"), 1, 1_000_000)
    high = bounded_int(request.args.get("ke"), 1, 1_000_000)
    diffs = None
    if low and high:
        if low not in numbers or high not in numbers:
            raise ValidationError(_("Pilih dua versi yang ada untuk dibandingkan."))
        diffs = file_diffs(queries.version_of(source, low).file_map(), queries.version_of(source, high).file_map())
    return render_template(
        "authoring/history.html",
        source=source,
        versions=list(reversed(source.versions)),
        diffs=diffs,
        low=low,
        high=high,
        action_form=RevisionForm(),
    )


@authoring.route("/pelatih/modul/<slug>/versi/<id:number>/pulihkan", methods=["POST"])
@role_required(*AUTHORS)
def restore(slug: str, number: int):
    source = _editable(slug)
    back = url_for("authoring.history", slug=slug)
    if not RevisionForm().validate_on_submit():
        return _fail(ValidationError(_("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")), back)
    try:
        services.restore(source, number, current_user)
    except DomainError as error:
        return _fail(error, back)
    db.session.commit()
    flash(
        _(
            "Versi %(number)s dipulihkan sebagai naskah baru. Peserta belum melihatnya sampai diterbitkan.",
            number=number,
        ),
        "success",
    )
    return redirect(url_for("authoring.draft", slug=slug))


def _zip_response(slug: str, files: dict[str, bytes], suffix: str) -> Response:
    from lms.authoring.archive import write_module_zip

    response = Response(write_module_zip(slug, files), mimetype="application/zip")
    response.headers.set("Content-Disposition", "attachment", filename=f"{slug}-{suffix}.zip")
    return response


@authoring.route("/pelatih/modul/<slug>/versi/<id:number>/modul.zip")
@role_required(*AUTHORS)
def download_version(slug: str, number: int):
    source = _editable(slug)
    return _zip_response(slug, queries.version_of(source, number).file_map(), f"v{number}")


@authoring.route("/pelatih/modul/<slug>/naskah.zip")
@role_required(*AUTHORS)
def download_draft(slug: str):
    source = _editable(slug)
    if source.draft is None:
        raise NotFound("Tidak ada naskah; unduh salah satu versi di Riwayat.")
    return _zip_response(slug, source.draft.file_map(), "naskah")


@authoring.route("/pelatih/modul/<slug>/naskah/hapus", methods=["POST"])
@role_required(*AUTHORS)
def delete_draft(slug: str):
    source = _editable(slug)
    back = url_for("authoring.draft", slug=slug)
    if not RevisionForm().validate_on_submit():
        return _fail(ValidationError(_("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")), back)
    try:
        services.delete_draft(source, current_user)
    except DomainError as error:
        return _fail(error, back)
    db.session.commit()
    flash(_("Naskah dihapus. Peserta tetap melihat versi yang terbit."), "success")
    return redirect(url_for("authoring.index"))


@authoring.route("/pelatih/modul/<slug>/pemilik", methods=["POST"])
@role_required(ADMIN)
def owners(slug: str):
    source = queries.source_by_slug(slug)
    back = url_for("authoring.draft", slug=slug)
    form = OwnerForm()
    if not form.validate_on_submit():
        return _fail(ValidationError(_("Tulis NIP pelatih.")), back)
    owner = queries.user_by_nip(normalise_nip(form.nip.data))
    if owner is None:
        return _fail(ValidationError(_("Tidak ada pengguna dengan NIP itu.")), back)
    try:
        services.set_owner(source, current_user, owner, add=request.form.get("aksi") != "hapus")
    except DomainError as error:
        return _fail(error, back)
    db.session.commit()
    flash(_("Pemilik modul diperbarui."), "success")
    return redirect(back)
