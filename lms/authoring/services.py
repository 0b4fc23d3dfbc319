"""Writes of the versioned module store: drafts, saves, uploads, review, publication, restore, owners.

Every operation checks who may do it, adds/flushes in the caller's transaction, writes one audit line and
raises a domain exception (Bahasa Indonesia) on a broken rule; the view or command commits once.
Publishing goes through `lms.content.services.sync_modules`, the code `flask content sync` runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from lms.accounts.models import ADMIN, KURATOR, PELATIH, User
from lms.accounts.services import record_audit
from lms.authoring.archive import MEDIA_PREFIX, UploadLimits, check_file, clean_path
from lms.authoring.models import (
    BROWSER,
    DISK,
    DRAFT,
    RETURNED,
    SUBMITTED,
    DraftFile,
    ModuleDraft,
    ModuleOwner,
    ModuleSource,
    ModuleVersion,
    VersionFile,
)
from lms.database import mark_request_writes, utcnow
from lms.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lms.extensions import db

REVIEW_REQUIRED, REVIEW_OPTIONAL = "required", "optional"
LESSON_NAME_HINT = "NN-slug.md, misalnya 02-keamanan-kata-sandi.md"

TEMPLATE_MODULE = """---
title: {title}
summary: Ringkasan singkat modul ini dalam satu kalimat.
jp: 1
category: Umum
level: dasar
---

Pengantar modul: apa yang akan dipelajari peserta dan mengapa penting.
"""
TEMPLATE_LESSON = """---
title: {title}
minutes: 40
---

Tulis isi pelajaran di sini. Gunakan judul bagian dengan `## Judul`, daftar dengan `-`, dan
gambar dengan `![keterangan](media/nama-berkas.png)`.
"""
TEMPLATE_QUIZ = """---
title: Kuis
passing_score: 70
---

## Apa kepanjangan JP?

- [ ] Jadwal Pelatihan
- [x] Jam Pelajaran
- [ ] Jumlah Peserta

> 1 JP adalah 45 menit belajar.
"""


class StaleSave(Conflict):
    """A save based on an older revision of the draft: hers is refused, both texts go back to her."""

    def __init__(self, path: str, newer: str, hers: str, revision: int) -> None:
        super().__init__(
            "Naskah ini sudah disimpan orang lain sejak Anda membukanya. Tulisan Anda belum disimpan: "
            "bandingkan kedua teks di bawah, gabungkan, lalu simpan lagi."
        )
        self.path, self.newer, self.hers, self.revision = path, newer, hers, revision


@dataclass
class CheckResult:
    """The checker's verdict on a draft: errors stop submission, warnings never do."""

    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    seconds: float = 0.0
    parsed: object | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def upload_limits() -> UploadLimits:
    config = current_app.config
    return UploadLimits(
        max_files=config["AUTHORING_ZIP_MAX_FILES"],
        max_total_bytes=config["AUTHORING_ZIP_MAX_BYTES"],
        max_ratio=config["AUTHORING_ZIP_MAX_RATIO"],
        max_file_bytes=config["AUTHORING_MAX_FILE_BYTES"],
    )


def is_reviewer(user: User) -> bool:
    return user.has_role(KURATOR) or user.has_role(ADMIN)


def can_edit(user: User, source: ModuleSource) -> bool:
    """Owners, every kurator and every admin edit a module."""
    return is_reviewer(user) or (user.has_role(PELATIH) and user.id in source.owner_ids())


def require_editor(user: User, source: ModuleSource) -> None:
    if not can_edit(user, source):
        raise PermissionDenied(
            "Anda bukan pemilik modul ini; hanya pemilik, kurator dan admin yang dapat menyuntingnya."
        )


def can_publish(user: User, source: ModuleSource) -> bool:
    """A reviewer publishes; an owner too when LMS_CONTENT_REVIEW=optional."""
    if is_reviewer(user):
        return True
    return current_app.config["CONTENT_REVIEW"] == REVIEW_OPTIONAL and can_edit(user, source)


def check_files(slug: str, files: dict[str, bytes]) -> CheckResult:
    """Run the one checker (`flask content check`'s) on files held in memory."""
    from lms.content.parse import parse_files  # YAML and Markdown: loaded by authoring pages only

    started = time.perf_counter()
    parsed, errors = parse_files(slug, files)
    return CheckResult(
        errors=errors,
        warnings=list(parsed.warnings) if parsed else [],
        seconds=time.perf_counter() - started,
        parsed=parsed,
    )


def _source(slug: str) -> ModuleSource | None:
    return db.session.scalar(select(ModuleSource).where(ModuleSource.slug == slug))


def _published_module_exists(slug: str) -> bool:
    from lms.content.models import Module

    return db.session.scalar(select(Module.id).where(Module.slug == slug)) is not None


def _set_files(draft: ModuleDraft, files: dict[str, bytes]) -> None:
    current = {f.path: f for f in draft.files}
    for path, row in current.items():
        if path not in files:
            draft.files.remove(row)
    for path, data in files.items():
        if path in current:
            current[path].data = data
        else:
            draft.files.append(DraftFile(path=path, data=data))


def _flush() -> None:
    """Flush; a draft changed by someone else since it was read (its revision moved: the UPDATE or DELETE
    guarded by `revision` matched no row) is a Conflict, never a silent overwrite."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(
            "Naskah ini baru saja diubah orang lain; tidak ada yang disimpan. Muat ulang halaman, lalu coba lagi."
        ) from None


def _touch(draft: ModuleDraft, user: User) -> None:
    draft.revision += 1
    draft.updated_by_id = user.id
    draft.updated_at = utcnow()
    if draft.state == SUBMITTED:
        draft.state = DRAFT  # an edit after submission needs a new submission


def _new_draft(source: ModuleSource, user: User, files: dict[str, bytes]) -> ModuleDraft:
    draft = ModuleDraft(source=source, based_on=source.latest, revision=1, state=DRAFT, updated_by_id=user.id)
    db.session.add(draft)
    _set_files(draft, files)
    return draft


def draft_for_editing(source: ModuleSource, user: User) -> ModuleDraft:
    """The module's draft; the first edit starts one from the latest version."""
    require_editor(user, source)
    if source.draft is None:
        latest = source.latest
        if latest is None:
            raise NotFound("Modul ini belum punya berkas; unggah ZIP modulnya atau buat dari templat.")
        source.draft = _new_draft(source, user, latest.file_map())
        _flush()
    return source.draft


def _claim_slug(slug: str, user: User) -> ModuleSource:
    """The source for `slug`: a new one owned by her, or hers to edit. A slug of another trainer's module is refused."""
    if not _is_slug(slug):
        raise ValidationError(
            f"Nama modul '{slug}' tidak sesuai aturan: hanya huruf kecil, angka dan tanda hubung, "
            "misalnya literasi-digital."
        )
    source = _source(slug)
    if source is None:
        source = ModuleSource(slug=slug)
        db.session.add(source)
        if user.has_role(PELATIH):
            source.owners.append(ModuleOwner(user_id=user.id))
        _flush()
        return source
    if not can_edit(user, source):
        raise PermissionDenied(
            f"Nama modul '{slug}' sudah dipakai modul milik pelatih lain; pilih nama lain atau minta admin "
            "menambahkan Anda sebagai pemilik."
        )
    return source


def _is_slug(slug: str) -> bool:
    from lms.authoring.archive import SLUG_RE

    return bool(SLUG_RE.fullmatch(slug)) and len(slug) <= 100


def create_from_template(slug: str, title: str, user: User) -> ModuleSource:
    """A new module from the minimal skeleton (module.md, one lesson, a quiz); refused when the slug exists."""
    title = " ".join((title or "").split())
    if not title or len(title) > 200:
        raise ValidationError("Judul modul wajib diisi (paling panjang 200 huruf).")
    if _source(slug) is not None or _published_module_exists(slug):
        raise ValidationError(f"Nama modul '{slug}' sudah dipakai; pilih nama lain.")
    source = _claim_slug(slug, user)
    safe_title = title.replace('"', "'")
    files = {
        "module.md": TEMPLATE_MODULE.format(title=f'"{safe_title}"').encode(),
        "01-pengantar.md": TEMPLATE_LESSON.format(title="Pengantar").encode(),
        "quiz.md": TEMPLATE_QUIZ.encode(),
    }
    _new_draft(source, user, files)
    _flush()
    record_audit(user, "module_create", summary=f"Modul {slug} dibuat dari templat", slug=slug)
    return source


def upload_zip(data: bytes, user: User) -> ModuleSource:
    """Start or replace a module's draft from a ZIP of its folder; every bad ZIP is refused before a write."""
    from lms.authoring.archive import read_module_zip

    slug, files = read_module_zip(data, upload_limits())
    is_new = _source(slug) is None
    if is_new and _published_module_exists(slug) and not is_reviewer(user):
        raise PermissionDenied(
            f"Nama modul '{slug}' sudah dipakai modul yang dimuat dari server; minta admin menambahkan Anda "
            "sebagai pemilik."
        )
    source = _claim_slug(slug, user)
    if source.draft is None:
        _new_draft(source, user, files)
    else:
        _set_files(source.draft, files)
        _touch(source.draft, user)
    _flush()
    record_audit(
        user,
        "module_create" if is_new else "module_save",
        summary=f"Modul {slug} diunggah sebagai ZIP ({len(files)} berkas)",
        slug=slug,
    )
    return source


def _check_revision(draft: ModuleDraft, base_revision: int | None, path: str, hers: str) -> None:
    if base_revision != draft.revision:
        newer = draft.file_map().get(path, b"").decode("utf-8", errors="replace")
        raise StaleSave(path, newer, hers, draft.revision)


def save_text(source: ModuleSource, path: str, text: str, base_revision: int | None, user: User) -> ModuleDraft:
    """Save one Markdown file of the draft; refused (StaleSave) when the draft changed since she opened it."""
    draft = draft_for_editing(source, user)
    _check_revision(draft, base_revision, path, text)
    path = clean_path(path)
    if not path.endswith(".md") or "/" in path:
        raise ValidationError("Hanya berkas Markdown (.md) di folder modul yang dapat disunting di sini.")
    data = text.replace("\r\n", "\n").encode("utf-8")
    check_file(path, data, upload_limits())
    files = draft.file_map()
    files[path] = data
    _set_files(draft, files)
    _touch(draft, user)
    _flush()
    record_audit(user, "module_save", summary=f"{source.slug}/{path} disimpan", slug=source.slug, path=path)
    return draft


def add_file(source: ModuleSource, name: str, data: bytes, base_revision: int | None, user: User) -> str:
    """Put one file into the draft (a new lesson, a replaced Markdown file, a media file); returns its path.

    A name ending in .md goes to the module folder, anything else to media/; its content is checked as an upload's.
    """
    draft = draft_for_editing(source, user)
    if base_revision != draft.revision:
        raise Conflict("Naskah sudah berubah sejak halaman ini dibuka; muat ulang halaman lalu coba lagi.")
    name = clean_path(name)
    if not name:
        raise ValidationError("Nama berkas wajib diisi.")
    path = name if name.lower().endswith(".md") or name.startswith(MEDIA_PREFIX) else MEDIA_PREFIX + name
    if path.lower().endswith(".md") and "/" in path:
        raise ValidationError(f"Berkas Markdown disimpan di folder modul, bukan di subfolder; {LESSON_NAME_HINT}.")
    check_file(path, data, upload_limits())
    files = draft.file_map()
    clash = [other for other in files if other.lower() == path.lower() and other != path]
    if clash:
        raise ValidationError(f"Sudah ada berkas '{clash[0]}' yang hanya berbeda huruf besar/kecil; ganti namanya.")
    files[path] = data
    _set_files(draft, files)
    _touch(draft, user)
    _flush()
    record_audit(user, "module_save", summary=f"{source.slug}/{path} ditambahkan", slug=source.slug, path=path)
    return path


def rename_file(source: ModuleSource, path: str, new_name: str, base_revision: int | None, user: User) -> str:
    draft = draft_for_editing(source, user)
    if base_revision != draft.revision:
        raise Conflict("Naskah sudah berubah sejak halaman ini dibuka; muat ulang halaman lalu coba lagi.")
    files = draft.file_map()
    if path not in files:
        raise NotFound("Berkas tidak ditemukan di naskah.")
    new_path = clean_path(new_name)
    if path.startswith(MEDIA_PREFIX) and not new_path.startswith(MEDIA_PREFIX):
        new_path = MEDIA_PREFIX + new_path
    if not new_path or new_path.lower() in {p.lower() for p in files if p != path}:
        raise ValidationError(f"Nama '{new_name}' kosong atau sudah dipakai berkas lain.")
    files[new_path] = files.pop(path)
    _set_files(draft, files)
    _touch(draft, user)
    _flush()
    record_audit(user, "module_save", summary=f"{source.slug}/{path} → {new_path}", slug=source.slug, path=new_path)
    return new_path


def delete_file(source: ModuleSource, path: str, base_revision: int | None, user: User) -> None:
    draft = draft_for_editing(source, user)
    if base_revision != draft.revision:
        raise Conflict("Naskah sudah berubah sejak halaman ini dibuka; muat ulang halaman lalu coba lagi.")
    files = draft.file_map()
    if path not in files:
        raise NotFound("Berkas tidak ditemukan di naskah.")
    del files[path]
    _set_files(draft, files)
    _touch(draft, user)
    _flush()
    record_audit(user, "module_save", summary=f"{source.slug}/{path} dihapus", slug=source.slug, path=path)


def submit(source: ModuleSource, user: User) -> CheckResult:
    """Send the draft for review; a draft with checker errors is refused."""
    draft = draft_for_editing(source, user)
    result = check_files(source.slug, draft.file_map())
    if not result.ok:
        raise ValidationError(
            f"Naskah masih punya {len(result.errors)} kesalahan; perbaiki dulu sebelum diajukan untuk ditinjau."
        )
    draft.state = SUBMITTED
    draft.review_comment = ""
    _flush()
    record_audit(user, "module_submit", summary=f"Modul {source.slug} diajukan untuk ditinjau", slug=source.slug)
    return result


def return_draft(source: ModuleSource, user: User, comment: str) -> None:
    """A reviewer sends a submitted draft back with a comment."""
    if not is_reviewer(user):
        raise PermissionDenied("Hanya kurator atau admin yang meninjau modul.")
    draft = source.draft
    if draft is None or draft.state != SUBMITTED:
        raise ValidationError("Tidak ada naskah yang sedang diajukan untuk modul ini.")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("Tulis alasan pengembalian agar pelatih tahu apa yang perlu diperbaiki.")
    draft.state = RETURNED
    draft.review_comment = comment[:5000]
    _flush()
    record_audit(user, "module_review", summary=f"Modul {source.slug} dikembalikan", slug=source.slug, comment=comment)


def publish(source: ModuleSource, user: User, *, note: str = "") -> ModuleVersion:
    """Publish the draft: checked, synced to learners exactly as `flask content sync` does, kept as a version.

    Rules: a reviewer publishes a submitted draft; with LMS_CONTENT_REVIEW=optional an owner may publish
    her own draft; a draft with errors never goes out.
    """
    from lms.content.services import sync_modules

    if not can_publish(user, source):
        raise PermissionDenied("Modul ini harus ditinjau kurator sebelum terbit; ajukan naskah untuk ditinjau.")
    draft = source.draft
    if draft is None:
        raise ValidationError("Tidak ada naskah untuk diterbitkan.")
    if draft.state != SUBMITTED and current_app.config["CONTENT_REVIEW"] != REVIEW_OPTIONAL:
        raise ValidationError("Naskah belum diajukan untuk ditinjau; ajukan dulu, lalu kurator menerbitkannya.")
    files = draft.file_map()
    result = check_files(source.slug, files)
    if not result.ok:
        raise ValidationError(f"Naskah masih punya {len(result.errors)} kesalahan; tidak dapat diterbitkan.")
    if source.latest is not None and source.latest.content_hash == result.parsed.content_hash:
        raise ValidationError("Naskah sama persis dengan versi yang terbit; tidak ada yang perlu diterbitkan.")
    sync_modules([result.parsed], archive_missing=False)
    version = _add_version(source, files, result.parsed.content_hash, BROWSER, user, note)
    db.session.delete(draft)
    source.draft = None
    _flush()
    record_audit(user, "module_publish", summary=f"Modul {source.slug} versi {version.number} terbit", slug=source.slug)
    return version


def _add_version(
    source: ModuleSource, files: dict[str, bytes], content_hash: str, origin: str, user: User | None, note: str = ""
) -> ModuleVersion:
    number = (source.latest.number if source.latest else 0) + 1
    version = ModuleVersion(
        source=source,
        number=number,
        origin=origin,
        content_hash=content_hash,
        created_by_id=user.id if user else None,
        note=note,
    )
    version.files = [VersionFile(path=path, data=data) for path, data in sorted(files.items())]
    db.session.add(version)
    _flush()
    return version


def restore(source: ModuleSource, number: int, user: User) -> ModuleDraft:
    """An old version becomes the draft again (replacing any draft); learners see nothing until it is published."""
    require_editor(user, source)
    version = next((v for v in source.versions if v.number == number), None)
    if version is None:
        raise NotFound("Versi tidak ditemukan.")
    if source.draft is not None:
        db.session.delete(source.draft)
        _flush()
        db.session.expire(source, ["draft"])
    draft = _new_draft(source, user, version.file_map())
    draft.based_on = source.latest
    _flush()
    record_audit(
        user, "module_restore", summary=f"Modul {source.slug}: versi {number} dipulihkan ke naskah", slug=source.slug
    )
    return draft


def delete_draft(source: ModuleSource, user: User) -> None:
    """Drop the draft (learners keep the published version); a module never published goes entirely."""
    require_editor(user, source)
    if source.draft is None:
        raise ValidationError("Tidak ada naskah untuk dihapus.")
    if source.versions:
        db.session.delete(source.draft)
    else:
        db.session.delete(source)  # its draft and owners go with it
    _flush()
    record_audit(user, "module_delete", summary=f"Naskah modul {source.slug} dihapus", slug=source.slug)


def set_owner(source: ModuleSource, actor: User, owner: User, *, add: bool) -> None:
    """An admin adds or removes a trainer as owner."""
    if not actor.has_role(ADMIN):
        raise PermissionDenied("Hanya admin yang mengatur pemilik modul.")
    current = next((o for o in source.owners if o.user_id == owner.id), None)
    if add:
        if not owner.has_role(PELATIH):
            raise ValidationError("Pemilik modul harus berperan pelatih.")
        if current is None:
            source.owners.append(ModuleOwner(user_id=owner.id))
    elif current is not None:
        source.owners.remove(current)
    _flush()
    record_audit(
        actor,
        "module_owner_add" if add else "module_owner_remove",
        target=owner,
        summary=f"Pemilik modul {source.slug}",
        slug=source.slug,
    )


# ---------------------------------------------------------------------------------------------------------
# `flask content sync`: one more way to create a version
# ---------------------------------------------------------------------------------------------------------


def changed_files(old: dict[str, bytes], new: dict[str, bytes]) -> list[str]:
    """The paths whose bytes differ (added, removed or changed), sorted."""
    return sorted(path for path in set(old) | set(new) if old.get(path) != new.get(path))


@dataclass
class DiskSync:
    report: object
    refused: dict[str, list[str]] = field(default_factory=dict)  # slug → files that differ


def sync_from_disk(parsed: list, *, whole_tree: bool, force: bool) -> DiskSync:
    """Sync checked modules from disk and keep each change as a version (origin disk).

    Rules: a module whose latest version was published from the browser is refused when the disk differs
    (naming the files), unless `force`; a module made in the browser is never archived because its folder
    is missing from disk.
    """
    from lms.content.services import sync_modules

    sources = {s.slug: s for s in db.session.scalars(select(ModuleSource))}
    refused: dict[str, list[str]] = {}
    accepted = []
    for pm in parsed:
        source = sources.get(pm.slug)
        latest = source.latest if source else None
        if latest and latest.origin == BROWSER and latest.content_hash != pm.content_hash and not force:
            refused[pm.slug] = changed_files(latest.file_map(), pm.files)
            continue
        accepted.append(pm)
    browser_made = {slug for slug, s in sources.items() if s.latest is not None and s.latest.origin == BROWSER} | set(
        refused
    )
    report = sync_modules(accepted, archive_missing=whole_tree, keep=browser_made)
    for pm in accepted:
        source = sources.get(pm.slug)
        if source is None:
            source = ModuleSource(slug=pm.slug)
            db.session.add(source)
            _flush()
        if source.latest is None or source.latest.content_hash != pm.content_hash:
            _add_version(source, pm.files, pm.content_hash, DISK, None, "flask content sync")
    return DiskSync(report=report, refused=refused)


@contextmanager
def draft_as_published(slug: str, user: User) -> Iterator[None]:
    """Inside the block the database shows the module as if its draft were published, synced by the same
    code as a publication, in a savepoint rolled back on the way out: learner pages render the draft with
    their own templates and grading, and nothing is stored but the media bytes (the caller commits them).
    Raises NotFound / PermissionDenied /
    ValidationError (a draft with errors cannot be shown)."""
    from lms.content.services import store_blobs, sync_modules

    source = _source(slug)
    if source is None:
        raise NotFound("Modul tidak ditemukan di penyimpanan naskah.")
    require_editor(user, source)
    files = source.draft.file_map() if source.draft else (source.latest.file_map() if source.latest else {})
    result = check_files(slug, files)
    if not result.ok:
        raise ValidationError(
            f"Naskah masih punya {len(result.errors)} kesalahan; perbaiki dulu, pratinjau hanya untuk naskah "
            "tanpa kesalahan."
        )
    mark_request_writes()
    store_blobs(result.parsed.media)  # kept (content-addressed): the preview's images load after the block
    savepoint = db.session.begin_nested()
    try:
        sync_modules([result.parsed], archive_missing=False)
        yield
    finally:
        savepoint.rollback()
