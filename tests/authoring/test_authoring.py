"""Trainers publish modules from the browser: the rules of the versioned store, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import func, select, update

from lms.accounts.models import AuditLog
from lms.authoring.models import ModuleDraft, ModuleSource, ModuleVersion
from lms.content.models import Lesson, Module
from lms.content.parse import check_tree
from lms.learning.models import LessonProgress
from tests.authoring.conftest import post
from tests.authoring.helpers import PNG, make_zip, module_files
from tests.learning.helpers import sync_folder, write_module

SLUG = "modul-uji"


def upload(browser, files: dict[str, bytes], top: str = SLUG):
    return post(
        browser,
        "/pelatih/modul/unggah",
        "/pelatih/modul/unggah",
        {"archive": (io.BytesIO(make_zip(files, top)), "modul.zip")},
        content_type="multipart/form-data",
    )


def source(db, slug: str = SLUG) -> ModuleSource | None:
    db.session.expire_all()
    return db.session.scalar(select(ModuleSource).where(ModuleSource.slug == slug))


def publish_as(kurator_browser, slug: str = SLUG):
    return post(kurator_browser, f"/pelatih/modul/{slug}/tinjau", f"/pelatih/modul/{slug}/terbitkan")


def submit(browser, slug: str = SLUG):
    return post(browser, f"/pelatih/modul/{slug}/naskah", f"/pelatih/modul/{slug}/ajukan")


def save(browser, name: str, text: str, slug: str = SLUG, revision: str | None = None):
    url = f"/pelatih/modul/{slug}/sunting/{name}"
    data = {"text": text}
    if revision is not None:
        data["revision"] = revision
    return post(browser, url, url, data)


def audit_actions(db) -> list[str]:
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id))
    return [action for action in actions if action.startswith("module_")]


def test_upload_submit_review_publish_the_whole_way(db, trainer, kurator):
    browser, user = trainer
    response = upload(browser, module_files())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pelatih/modul/{SLUG}/naskah")
    src = source(db)
    assert src.draft is not None and src.owner_ids() == {user.id} and src.versions == []
    assert db.session.scalar(select(Module).where(Module.slug == SLUG)) is None  # learners see nothing yet
    page = browser.get(f"/pelatih/modul/{SLUG}/naskah").get_data(as_text=True)
    assert "Tidak ada kesalahan" in page
    assert submit(browser).status_code == 302
    assert source(db).draft.state == "submitted"
    # the trainer may not publish her own module (review required by default)
    refused = publish_as(browser)
    assert refused.status_code == 302
    assert source(db).versions == []
    review = kurator[0].get(f"/pelatih/modul/{SLUG}/tinjau").get_data(as_text=True)
    assert "Isi pelajaran pertama." in review and "diff-add" in review
    assert publish_as(kurator[0]).status_code == 302
    src = source(db)
    assert src.draft is None and [v.number for v in src.versions] == [1] and src.versions[0].origin == "browser"
    module = db.session.scalar(select(Module).where(Module.slug == SLUG))
    assert module.is_visible and module.lesson_count == 2
    assert audit_actions(db) == ["module_create", "module_submit", "module_publish"]


def test_an_owner_publishes_her_own_draft_when_review_is_optional(app, db, trainer):
    browser, _ = trainer
    upload(browser, module_files())
    app.config["CONTENT_REVIEW"] = "optional"
    try:
        assert publish_as(browser).status_code == 302
    finally:
        app.config["CONTENT_REVIEW"] = "required"
    assert [v.number for v in source(db).versions] == [1]


def test_a_zip_with_three_errors_is_saved_lists_file_line_links_and_cannot_be_submitted(db, trainer):
    browser, _ = trainer
    files = module_files()
    files["module.md"] = files["module.md"].replace(b"jp: 1", b"jp: satu")
    files["01-pengantar.md"] = files["01-pengantar.md"].replace(b"minutes: 20", b"minutes: dua puluh")
    files["02-inti.md"] += b"\n![Bagan](media/tidak-ada.png)\n"
    assert upload(browser, files).status_code == 302
    page = browser.get(f"/pelatih/modul/{SLUG}/naskah").get_data(as_text=True)
    assert "3 kesalahan" in page
    for name, line in (("module.md", 4), ("01-pengantar.md", 3), ("02-inti.md", 8)):
        assert f"{SLUG}/{name}:{line}:" in page
        assert f'href="/pelatih/modul/{SLUG}/sunting/{name}?baris={line}#baris"' in page
    assert submit(browser).status_code == 302
    assert source(db).draft.state == "draft"
    editor = browser.get(f"/pelatih/modul/{SLUG}/sunting/module.md?baris=4").get_data(as_text=True)
    assert 'data-line="4"' in editor and "jp: satu" in editor


def test_every_save_runs_the_checker_and_a_stale_save_shows_both_texts(db, trainer):
    browser, _ = trainer
    upload(browser, module_files())
    before = source(db).draft.revision
    first = save(browser, "01-pengantar.md", "---\ntitle: Pengantar\nminutes: 20\n---\n\nTeks baru.\n")
    assert first.status_code == 302
    assert source(db).draft.revision == before + 1
    stale = save(browser, "01-pengantar.md", "Teks saya yang lama", revision=str(before))
    body = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Teks baru." in body and "Teks saya yang lama" in body
    assert b"Teks baru." in source(db).draft.file_map()["01-pengantar.md"]
    assert audit_actions(db).count("module_save") == 1  # the stale save wrote nothing
    broken = save(browser, "01-pengantar.md", "tanpa front matter")
    assert broken.status_code == 302
    page = browser.get(broken.headers["Location"]).get_data(as_text=True)
    assert f"{SLUG}/01-pengantar.md:1:" in page


def test_two_saves_from_the_same_revision_cannot_both_land(db, trainer):
    """The race the revision check alone would miss: another save lands between her check and her write."""
    from lms.authoring import services
    from lms.errors import Conflict

    browser, user = trainer
    upload(browser, module_files())
    src = source(db)
    revision = src.draft.revision
    db.session.execute(
        update(ModuleDraft).where(ModuleDraft.id == src.draft.id).values(revision=revision + 1),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(Conflict):
        services.save_text(src, "01-pengantar.md", "ditimpa", revision, user)
    db.session.rollback()
    assert b"ditimpa" not in source(db).draft.file_map()["01-pengantar.md"]


def test_lessons_and_media_are_added_renamed_and_deleted(db, trainer):
    browser, _ = trainer
    upload(browser, module_files())
    draft_url = f"/pelatih/modul/{SLUG}/naskah"
    assert post(browser, draft_url, f"/pelatih/modul/{SLUG}/berkas", {"name": "03-penutup.md"}).status_code == 302
    media = post(
        browser,
        draft_url,
        f"/pelatih/modul/{SLUG}/berkas",
        {"upload": (io.BytesIO(PNG), "bagan.png")},
        content_type="multipart/form-data",
    )
    assert media.status_code == 302
    fake = post(
        browser,
        draft_url,
        f"/pelatih/modul/{SLUG}/berkas",
        {"upload": (io.BytesIO(b"<script>alert(1)</script>"), "foto.png")},
        content_type="multipart/form-data",
    )
    assert "bukan gambar PNG" in browser.get(fake.headers["Location"]).get_data(as_text=True)
    rename_url = f"/pelatih/modul/{SLUG}/ganti-nama/03-penutup.md"
    assert post(browser, rename_url, rename_url, {"new_name": "03-akhir.md"}).status_code == 302
    assert post(browser, draft_url, f"/pelatih/modul/{SLUG}/hapus/media/bagan.png").status_code == 302
    files = source(db).draft.file_map()
    assert "03-akhir.md" in files and "03-penutup.md" not in files
    assert "media/bagan.png" not in files and "media/foto.png" not in files


def test_create_from_template_passes_the_checker(db, trainer):
    browser, user = trainer
    response = post(
        browser, "/pelatih/modul/baru", "/pelatih/modul/baru", {"slug": "modul-baru", "title": "Modul Baru"}
    )
    assert response.status_code == 302
    page = browser.get("/pelatih/modul/modul-baru/naskah").get_data(as_text=True)
    assert "Tidak ada kesalahan" in page
    assert source(db, "modul-baru").owner_ids() == {user.id}


def test_a_slug_of_another_trainers_module_is_refused_and_nothing_changes(db, trainer, login_as):
    browser, _ = trainer
    upload(browser, module_files())
    other, _ = login_as("pelatih")
    before = source(db).draft.file_map()
    response = upload(other, module_files(first="Saya ambil alih."))
    assert "milik pelatih lain" in other.get(response.headers["Location"]).get_data(as_text=True)
    assert source(db).draft.file_map() == before
    assert other.get(f"/pelatih/modul/{SLUG}/naskah").status_code == 403
    assert "module_save" not in audit_actions(db)


@pytest.mark.parametrize(
    ("files", "top"),
    [({}, SLUG), (module_files(), "Bukan Slug"), ({"catatan.txt": b"x"}, SLUG)],
)
def test_a_bad_zip_changes_nothing(db, trainer, files, top):
    browser, _ = trainer
    response = upload(browser, files, top=top)
    assert response.status_code == 302 and response.headers["Location"].endswith("/pelatih/modul/unggah")
    assert db.session.scalar(select(func.count()).select_from(ModuleSource)) == 0
    assert audit_actions(db) == []


def test_publishing_keeps_progress_and_archives_a_removed_lesson(db, trainer, kurator, login_as):
    browser, _ = trainer
    upload(browser, module_files())
    submit(browser)
    publish_as(kurator[0])
    learner, learner_user = login_as("peserta")
    assert learner.get(f"/modul/{SLUG}/pelajaran/pengantar").status_code == 200
    post(learner, f"/modul/{SLUG}/pelajaran/pengantar", f"/modul/{SLUG}/pelajaran/pengantar/selesai")
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1
    files = module_files(first="Teks versi kedua.")
    del files["02-inti.md"]
    files["module.md"] = files["module.md"]
    files["01-pengantar.md"] = files["01-pengantar.md"].replace(b"minutes: 20", b"minutes: 44")
    upload(browser, files)
    submit(browser)
    publish_as(kurator[0])
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 1
    page = learner.get(f"/modul/{SLUG}/pelajaran/pengantar").get_data(as_text=True)
    assert "Teks versi kedua." in page
    removed = db.session.scalar(select(Lesson).where(Lesson.slug == "inti"))
    assert removed.is_archived
    assert [v.number for v in source(db).versions] == [1, 2]


def test_history_diff_restore_and_download_a_version_that_passes_the_checker(db, trainer, kurator, tmp_path):
    browser, _ = trainer
    upload(browser, module_files())
    submit(browser)
    publish_as(kurator[0])
    upload(browser, module_files(first="Teks versi kedua."))
    submit(browser)
    publish_as(kurator[0])
    diff = browser.get(f"/pelatih/modul/{SLUG}/riwayat?dari=1&ke=2").get_data(as_text=True)
    assert "Isi pelajaran pertama." in diff and "Teks versi kedua." in diff
    assert post(browser, f"/pelatih/modul/{SLUG}/riwayat", f"/pelatih/modul/{SLUG}/versi/1/pulihkan").status_code == 302
    draft = source(db).draft
    assert b"Isi pelajaran pertama." in draft.file_map()["01-pengantar.md"]
    module = db.session.scalar(select(Module).where(Module.slug == SLUG))
    assert module.version == 2  # learners still see version 2 until the restored draft is published
    download = browser.get(f"/pelatih/modul/{SLUG}/versi/1/modul.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    zipfile.ZipFile(io.BytesIO(download.data)).extractall(tmp_path)
    modules, errors = check_tree(tmp_path / SLUG)
    assert not errors and modules[0].content_hash == source(db).versions[0].content_hash
    assert browser.get(f"/pelatih/modul/{SLUG}/naskah.zip").status_code == 200
    assert "module_restore" in audit_actions(db)


def test_a_draft_identical_to_the_published_version_is_not_published_again(db, trainer, kurator):
    browser, _ = trainer
    upload(browser, module_files())
    submit(browser)
    publish_as(kurator[0])
    upload(browser, module_files())
    submit(browser)
    response = publish_as(kurator[0])
    assert "sama persis" in kurator[0].get(response.headers["Location"]).get_data(as_text=True)
    assert [v.number for v in source(db).versions] == [1]


def test_a_kurator_returns_a_draft_with_a_comment(db, trainer, kurator, login_as):
    browser, _ = trainer
    upload(browser, module_files())
    submit(browser)
    url = f"/pelatih/modul/{SLUG}/tinjau"
    assert post(kurator[0], url, f"/pelatih/modul/{SLUG}/kembalikan", {"comment": "Perbaiki judul."}).status_code == 302
    assert source(db).draft.state == "returned"
    assert "Perbaiki judul." in browser.get(f"/pelatih/modul/{SLUG}/naskah").get_data(as_text=True)
    assert "module_review" in audit_actions(db)
    admin_page = login_as("admin")[0].get("/admin/audit")
    assert admin_page.status_code == 200 and "module_review" in admin_page.get_data(as_text=True)


def test_delete_a_draft_of_a_module_never_published_removes_it(db, trainer):
    browser, _ = trainer
    upload(browser, module_files())
    assert post(browser, f"/pelatih/modul/{SLUG}/naskah", f"/pelatih/modul/{SLUG}/naskah/hapus").status_code == 302
    assert source(db) is None
    assert "module_delete" in audit_actions(db)


def test_an_admin_adds_and_removes_owners(db, trainer, login_as):
    browser, _ = trainer
    upload(browser, module_files())
    admin, _ = login_as("admin")
    other_browser, other = login_as("pelatih")
    url = f"/pelatih/modul/{SLUG}/naskah"
    assert other_browser.get(url).status_code == 403
    post(admin, url, f"/pelatih/modul/{SLUG}/pemilik", {"nip": other.nip, "aksi": "tambah"})
    assert other_browser.get(url).status_code == 200
    post(admin, url, f"/pelatih/modul/{SLUG}/pemilik", {"nip": other.nip, "aksi": "hapus"})
    assert other_browser.get(url).status_code == 403
    assert post(browser, url, f"/pelatih/modul/{SLUG}/pemilik", {"nip": other.nip}).status_code == 403


def test_preview_shows_the_draft_as_a_learner_sees_it_and_stores_nothing(db, trainer, kurator):
    browser, _ = trainer
    upload(browser, {**module_files(), "media/bagan.png": PNG})
    submit(browser)
    publish_as(kurator[0])
    files = module_files(first="Teks pratinjau.\n\n![Bagan](media/bagan.png)")
    upload(browser, {**files, "media/bagan.png": PNG})
    page = browser.get(f"/pelatih/modul/{SLUG}/pratinjau/pengantar")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Teks pratinjau." in html
    image = re.search(r'src="(/media/[0-9a-f]{64}/bagan.png)"', html).group(1)
    assert browser.get(image).status_code == 200
    module_page = browser.get(f"/pelatih/modul/{SLUG}/pratinjau").get_data(as_text=True)
    assert f"/pelatih/modul/{SLUG}/pratinjau/pengantar" in module_page
    quiz = browser.get(f"/pelatih/modul/{SLUG}/pratinjau/kuis")
    assert quiz.status_code == 200
    action = (
        re.search(r'action="([^"]+/pratinjau/kuis[^"]*)"', quiz.get_data(as_text=True)).group(1).replace("&amp;", "&")
    )
    field = re.search(r'name="(q-[^"]+)" value="([^"]+)"', quiz.get_data(as_text=True))
    graded = post(browser, f"/pelatih/modul/{SLUG}/pratinjau/kuis", action, {field.group(1): field.group(2)})
    assert graded.status_code == 200, graded.get_data(as_text=True)
    assert "100" in graded.get_data(as_text=True), graded.get_data(as_text=True)[-2500:]
    db.session.expire_all()
    module = db.session.scalar(select(Module).where(Module.slug == SLUG))
    assert module.version == 1
    assert "Teks pratinjau." not in db.session.scalar(select(Lesson.html).where(Lesson.slug == "pengantar"))


def test_the_authoring_guide_is_served_rendered(trainer):
    browser, _ = trainer
    page = browser.get("/pelatih/panduan")
    assert page.status_code == 200 and "<h1" in page.get_data(as_text=True)


def test_the_draft_and_versions_live_in_the_database(db, trainer, kurator):
    browser, _ = trainer
    upload(browser, {**module_files(), "media/bagan.png": PNG})
    assert db.session.scalar(select(func.count()).select_from(ModuleDraft)) == 1
    submit(browser)
    publish_as(kurator[0])
    version = db.session.scalar(select(ModuleVersion))
    assert version.file_map()["media/bagan.png"] == PNG and len(version.content_hash) == 64


# --------------------------------------------------------------------------------------------------
# flask content sync: one more way to make a version
# --------------------------------------------------------------------------------------------------


def test_sync_from_disk_makes_versions_and_refuses_a_module_changed_in_the_browser(db, app, trainer, kurator, tmp_path):
    root = tmp_path / "content"
    folder = write_module(root, SLUG)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "sync", str(root)])
    assert result.exit_code == 0, result.output
    src = source(db)
    assert [(v.number, v.origin) for v in src.versions] == [(1, "disk")]
    # the kurator edits it in the browser and publishes
    kurator_browser, _ = kurator
    lesson = sorted(p.name for p in folder.glob("0*.md"))[0]
    text = (folder / lesson).read_text().replace("Pengantar", "Pengantar diubah", 1)
    save(kurator_browser, lesson, text)
    publish_as_optional = post(kurator_browser, f"/pelatih/modul/{SLUG}/naskah", f"/pelatih/modul/{SLUG}/ajukan")
    assert publish_as_optional.status_code == 302
    assert publish_as(kurator_browser).status_code == 302
    assert [v.origin for v in source(db).versions] == ["disk", "browser"]
    refused = runner.invoke(args=["content", "sync", str(root)])
    assert refused.exit_code == 1
    assert f"{SLUG}: TIDAK dimuat" in refused.output and lesson in refused.output
    assert len(source(db).versions) == 2
    forced = runner.invoke(args=["content", "sync", "--force", str(root)])
    assert forced.exit_code == 0, forced.output
    assert [v.origin for v in source(db).versions] == ["disk", "browser", "disk"]


def test_a_module_made_in_the_browser_is_not_archived_by_a_whole_tree_sync(db, app, trainer, kurator, tmp_path):
    browser, _ = trainer
    upload(browser, module_files())
    submit(browser)
    publish_as(kurator[0])
    root = tmp_path / "content"
    write_module(root, "modul-disk")
    result = app.test_cli_runner().invoke(args=["content", "sync", str(root)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not db.session.scalar(select(Module).where(Module.slug == SLUG)).is_archived


def test_sync_folder_helper_still_works_without_versions(db, tmp_path):
    sync_folder(write_module(tmp_path, "tanpa-versi"))
    assert db.session.scalar(select(Module).where(Module.slug == "tanpa-versi")) is not None
