"""Issue #12, "Done when", in Chromium: a trainer uploads a ZIP with three errors, sees the three `file:line`
messages, fixes them in the browser editor, previews at 360 px and submits; a kurator sees the diff and
publishes; a learner who had started the old version keeps her progress and sees the new text; the trainer
restores the previous version and downloads it as a ZIP that passes `flask content check`."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from lms.authoring.models import ModuleOwner, ModuleSource
from lms.authoring.services import sync_from_disk
from lms.content.models import Lesson, Module
from lms.content.parse import check_tree
from lms.extensions import db as _db
from lms.learning.models import LessonProgress
from lms.learning.services import complete_lesson
from tests.browser.conftest import log_in, log_out, visit
from tests.conftest import create_user
from tests.learning.helpers import write_module

pytestmark = pytest.mark.browser

SLUG = "jalur-peramban"
NEW_TEXT = "Teks versi kedua yang ditulis di peramban."
#: (file, the wrong text, the right text): three mistakes, one per file.
MISTAKES = (
    ("module.md", "jp: 1", "jp: satu"),
    ("01-pengantar.md", "## Bagian penting", "## Bagian penting\n\n![Bagan](media/tidak-ada.png)"),
    ("02-inti.md", "title: Materi Inti", "title:"),
)


@pytest.fixture
def world(app, tmp_path):
    """Version 1 synced from disk, owned by a trainer; a learner who finished its first lesson; a kurator."""
    with app.app_context():
        folder = write_module(tmp_path / "content", SLUG, jp=1, title="Jalur Peramban")
        sync_from_disk(check_tree(folder)[0], whole_tree=False, force=False)
        trainer = create_user(roles=("pelatih",), name="Widyaiswara Peramban")
        kurator = create_user(roles=("kurator",), name="Kurator BKPP")
        learner = create_user(name="Peserta Lama")
        source = _db.session.scalar(select(ModuleSource).where(ModuleSource.slug == SLUG))
        source.owners.append(ModuleOwner(user_id=trainer.id))
        module = _db.session.scalar(select(Module).where(Module.slug == SLUG))
        first = _db.session.scalar(select(Lesson).where(Lesson.module_id == module.id, Lesson.slug == "pengantar"))
        complete_lesson(learner.id, module, first)
        _db.session.commit()
        good = {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
        good["01-pengantar.md"] = good["01-pengantar.md"].replace(b"Paragraf pertama", NEW_TEXT.encode() + b" Paragraf")
        broken = dict(good)
        for name, right, wrong in MISTAKES:
            assert right.encode() in broken[name], (name, right)
            broken[name] = broken[name].replace(right.encode(), wrong.encode(), 1)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as handle:
            for path, data in broken.items():
                handle.writestr(f"{SLUG}/{path}", data)
        upload = tmp_path / f"{SLUG}.zip"
        upload.write_bytes(archive.getvalue())
        return {
            "upload": upload,
            "good": good,
            "trainer": trainer.nip,
            "kurator": kurator.nip,
            "learner": learner.nip,
            "learner_id": learner.id,
        }


def test_a_trainer_publishes_from_the_browser_and_learners_keep_their_progress(
    app, live_server, new_page, world, tmp_path
):
    base = live_server
    page = new_page("phone")
    log_in(page, base, world["trainer"])

    # Upload the ZIP with three mistakes: saved, three file:line messages, each a link to its line.
    page.goto(f"{base}/pelatih/modul/naskah")
    page.get_by_role("link", name="Unggah ZIP modul").click()
    visit(page, "phone", "authoring-01-upload")
    page.get_by_label("Berkas ZIP folder modul").set_input_files(str(world["upload"]))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(f"{base}/pelatih/modul/{SLUG}/naskah")
    expect(page.get_by_text("3 kesalahan: naskah dapat disimpan")).to_be_visible()
    links = page.locator(".problem-error a")
    expect(links).to_have_count(3)
    messages = links.all_inner_texts()
    for (name, _, _), message in zip(sorted(MISTAKES), sorted(messages), strict=True):
        assert re.match(rf"{SLUG}/{re.escape(name)}:\d+: ", message), message
    visit(page, "phone", "authoring-02-three-errors")
    # Submitting is refused while the draft has errors.
    expect(page.get_by_role("button", name="Ajukan untuk ditinjau")).to_have_count(0)

    # Fix each mistake in the browser editor, opened from its message at its line.
    for index in range(3):
        page.locator(".problem-error a").first.click()
        page.wait_for_url(re.compile(r".*/sunting/.*\?baris=\d+#baris$"))
        name = re.search(r"/sunting/([^?]+)", page.url).group(1)
        line = int(re.search(r"baris=(\d+)", page.url).group(1))
        expect(page.get_by_text(f"Baris {line}:")).to_be_visible()
        if index == 0:
            visit(page, "phone", "authoring-03-editor")
        page.get_by_label(f"Isi berkas {name}").fill(world["good"][name].decode())
        page.get_by_role("button", name="Simpan dan periksa").click()
        expect(page.get_by_text("Tersimpan.")).to_be_visible()
        page.get_by_role("link", name="Kembali ke naskah").click()
        expect(page.locator(".problem-error")).to_have_count(2 - index)
    expect(page.get_by_text("Tidak ada kesalahan.")).to_be_visible()

    # Preview as a learner at 360 px: the new text, nothing stored.
    page.get_by_role("link", name="Pratinjau seperti peserta").click()
    visit(page, "phone", "authoring-04-preview-module")
    page.get_by_role("link", name="Pengantar").first.click()
    expect(page.get_by_text(NEW_TEXT)).to_be_visible()
    visit(page, "phone", "authoring-05-preview-lesson")
    page.goto(f"{base}/pelatih/modul/{SLUG}/naskah")
    page.get_by_role("button", name="Ajukan untuk ditinjau").click()
    expect(page.get_by_text("Naskah diajukan.")).to_be_visible()
    log_out(page)

    # A kurator sees the diff against the published version and publishes.
    reviewer = new_page("phone")
    log_in(reviewer, base, world["kurator"])
    reviewer.goto(f"{base}/pelatih/modul/naskah")
    reviewer.get_by_role("link", name=SLUG).first.click()
    reviewer.wait_for_url(f"{base}/pelatih/modul/{SLUG}/tinjau")
    expect(reviewer.locator(".diff-add", has_text=NEW_TEXT)).to_have_count(1)
    visit(reviewer, "phone", "authoring-06-review-diff")
    reviewer.get_by_role("button", name="Terbitkan").click()
    expect(reviewer.get_by_text("Versi 2 terbit.")).to_be_visible()

    # The learner who had started version 1 keeps her progress and sees the new text.
    learner = new_page("phone")
    log_in(learner, base, world["learner"])
    learner.goto(f"{base}/modul/{SLUG}")
    expect(learner.get_by_text("1 dari 3 pelajaran selesai").first).to_be_visible()
    learner.goto(f"{base}/modul/{SLUG}/pelajaran/pengantar")
    expect(learner.get_by_text(NEW_TEXT)).to_be_visible()
    with app.app_context():
        done = _db.session.scalar(
            select(func.count()).select_from(LessonProgress).where(LessonProgress.user_id == world["learner_id"])
        )
        assert done == 1

    # The trainer restores version 1 as a new draft and downloads it: the ZIP passes `flask content check`.
    log_in(page, base, world["trainer"])
    page.goto(f"{base}/pelatih/modul/{SLUG}/riwayat")
    visit(page, "phone", "authoring-07-history")
    page.get_by_role("button", name="Pulihkan sebagai naskah (versi 1)").click()
    expect(page.get_by_text("Versi 1 dipulihkan sebagai naskah baru.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh naskah (ZIP)").click()
    path = tmp_path / "unduhan.zip"
    download.value.save_as(path)
    target = tmp_path / "unduhan"
    zipfile.ZipFile(path).extractall(target)
    result = app.test_cli_runner().invoke(args=["content", "check", str(target / SLUG)])
    assert result.exit_code == 0, result.output
    assert NEW_TEXT.encode() not in (target / SLUG / "01-pengantar.md").read_bytes()
