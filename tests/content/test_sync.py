"""Sync into the database: idempotent, versioned, archiving instead of deleting; media; the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.content.models import Lesson, MediaBlob, Module, Question, Quiz
from lms.content.parse import check_tree, collect_warnings, jp_minimum_minutes
from lms.content.services import sync_modules

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'


def write_module(
    root: Path,
    slug: str = "modul-uji",
    lessons: dict[str, str] | None = None,
    quiz: str | None = None,
    extra: dict[str, bytes] | None = None,
    title: str = "Modul Uji",
) -> Path:
    """A 1-JP module; its first lesson, unless it has front matter, declares 44 minutes of exercise to carry the JP."""
    folder = root / slug
    if folder.exists():
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "module.md").write_text(f"---\ntitle: {title}\nsummary: Ringkas.\njp: 1\n---\nPengantar.\n")
    lessons = (
        lessons if lessons is not None else {"01-satu.md": "# Satu\n\nIsi satu.\n", "02-dua.md": "# Dua\n\nIsi dua.\n"}
    )
    for index, (name, body) in enumerate(sorted(lessons.items())):
        carries_jp = index == 0 and not body.startswith("---")
        (folder / name).write_text(("---\nexercise_minutes: 44\n---\n" if carries_jp else "") + body)
    if quiz is not None:
        (folder / "quiz.md").write_text(quiz)
    for name, data in (extra or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


# One of the two questions per attempt: a bank twice what it draws, so no warning.
QUIZ = (
    "---\npick: 1\n---\n"
    "## Ibu kota Jawa Tengah?\n- [x] Semarang\n- [ ] Solo\n> Semarang.\n\n## Tulis angka dua\n= 2\n= dua\n"
)


def sync(root: Path, archive_missing: bool = True):
    modules, errors = check_tree(root)
    assert errors == []
    report = sync_modules(modules, archive_missing=archive_missing)
    from lms.extensions import db

    db.session.commit()
    return report


def test_first_sync_adds_then_resync_is_a_no_op(db, tmp_path):
    write_module(tmp_path, quiz=QUIZ)
    first = sync(tmp_path)
    assert first.added == ["modul-uji"]
    module = db.session.scalar(select(Module))
    assert (module.version, module.lesson_count, module.question_count) == (1, 2, 2)
    second = sync(tmp_path)
    assert second.unchanged == ["modul-uji"] and not second.updated
    db.session.refresh(module)
    assert module.version == 1


def test_edit_bumps_version_and_keeps_lesson_ids(db, tmp_path):
    write_module(tmp_path)
    sync(tmp_path)
    ids = dict(db.session.execute(select(Lesson.slug, Lesson.id)).all())
    write_module(
        tmp_path, lessons={"01-dua.md": "# Dua\n\nDiubah.\n", "02-satu.md": "# Satu\n", "03-tiga.md": "# Tiga\n"}
    )
    report = sync(tmp_path)
    assert report.updated == ["modul-uji"]
    module = db.session.scalar(select(Module))
    assert module.version == 2
    rows = {lesson.slug: lesson for lesson in db.session.scalars(select(Lesson))}
    assert rows["satu"].id == ids["satu"] and rows["dua"].id == ids["dua"]
    assert (rows["dua"].position, rows["satu"].position, rows["tiga"].position) == (1, 2, 3)


def test_removed_lesson_and_question_are_archived_not_deleted(db, tmp_path):
    write_module(tmp_path, quiz=QUIZ)
    sync(tmp_path)
    write_module(tmp_path, lessons={"01-satu.md": "# Satu\n"}, quiz="## Tulis angka dua\n= 2\n")
    sync(tmp_path)
    lessons = {lesson.slug: lesson.is_archived for lesson in db.session.scalars(select(Lesson))}
    assert lessons == {"satu": False, "dua": True}
    questions = sorted(q.is_archived for q in db.session.scalars(select(Question)))
    assert questions == [False, True]
    assert db.session.scalar(select(Module)).lesson_count == 1


def test_removed_module_folder_is_archived(db, tmp_path):
    write_module(tmp_path, "modul-a")
    write_module(tmp_path, "modul-b")
    sync(tmp_path)
    for path in sorted((tmp_path / "modul-b").rglob("*"), reverse=True):
        path.unlink()
    (tmp_path / "modul-b").rmdir()
    report = sync(tmp_path)
    assert report.archived == ["modul-b"]
    assert db.session.scalar(select(Module).where(Module.slug == "modul-b")).is_archived


def test_media_is_stored_by_hash_and_served_with_cache_headers(db, client, tmp_path):
    write_module(
        tmp_path,
        lessons={"01-satu.md": "# Satu\n\n![Bagan](media/bagan.svg)\n\n[Lanjut](02-dua.md)\n", "02-dua.md": "# Dua\n"},
        extra={"media/bagan.svg": SVG},
    )
    sync(tmp_path)
    blob = db.session.scalar(select(MediaBlob))
    html = db.session.scalar(select(Lesson.html).where(Lesson.slug == "satu"))
    assert f'src="/media/{blob.sha256}/bagan.svg"' in html
    assert 'href="/modul/modul-uji/pelajaran/dua"' in html
    response = client.get(f"/media/{blob.sha256}/bagan.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data == SVG
    assert response.headers["ETag"] == f'"{blob.sha256}"'
    assert "max-age=31536000" in response.headers["Cache-Control"]
    again = client.get(f"/media/{blob.sha256}/bagan.svg", headers={"If-None-Match": f'"{blob.sha256}"'})
    assert again.status_code == 304
    assert client.get("/media/" + "0" * 64 + "/x.svg").status_code == 404


def test_lesson_html_is_rendered_at_sync_and_sanitised(db, tmp_path):
    write_module(tmp_path, lessons={"01-satu.md": "# Satu\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n"})
    sync(tmp_path)
    html = db.session.scalar(select(Lesson.html))
    assert "<script" not in html and "javascript:" not in html


def test_cli_check_reports_file_and_line_and_exits_1(runner, tmp_path):
    folder = write_module(tmp_path)
    (folder / "module.md").write_text("---\ntitle: X\nsummary: Y\njp: 300\n---\n")
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/modul-uji/module.md:4: " in result.output
    assert "Traceback" not in result.output


def test_cli_check_ok_line(runner, tmp_path):
    write_module(tmp_path, quiz=QUIZ)
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.strip() == "OK: 1 modules, 2 lessons, 2 questions"


def test_sync_stores_each_lesson_and_quiz_expected_minutes_and_their_sum(db, tmp_path):
    write_module(tmp_path, quiz=QUIZ)  # lesson 1: 1 minute of reading + 44 of exercise; quiz: pick 1
    sync(tmp_path)
    minutes = dict(db.session.execute(select(Lesson.slug, Lesson.duration_minutes)).all())
    assert minutes == {"satu": 45, "dua": 1}
    assert db.session.scalar(select(Quiz.duration_minutes)) == 1
    assert db.session.scalar(select(Module.estimated_minutes)) == 47


def test_cli_check_prints_warnings_and_still_exits_0(runner, tmp_path):
    write_module(tmp_path, quiz="## Tulis angka dua\n= 2\n\n## Tulis angka tiga\n= 3\n")
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(f"{tmp_path}/modul-uji/quiz.md:1: peringatan: setiap percobaan memakai semua 2 soal")
    assert lines[1:] == [
        "OK: 1 modules, 2 lessons, 2 questions",
        "1 peringatan: modul tetap dapat dimuat, tetapi sebaiknya diperbaiki.",
    ]


def test_cli_sync_reports_warnings_and_loads_the_module(db, runner, tmp_path):
    write_module(tmp_path, quiz="## Tulis angka dua\n= 2\n\n## Tulis angka tiga\n= 3\n")
    result = runner.invoke(args=["content", "sync", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path}/modul-uji/quiz.md:1: peringatan: " in result.output and "1 peringatan" in result.output
    assert db.session.scalar(select(Module.slug)) == "modul-uji"
    modules, _ = check_tree(tmp_path)
    report = sync_modules(modules, archive_missing=False)
    assert [(w.path, w.line) for w in report.warnings] == [(f"{tmp_path}/modul-uji/quiz.md", 1)]


def test_cli_check_jp_without_the_minutes_fails_on_the_jp_line(runner, tmp_path):
    folder = write_module(tmp_path)
    (folder / "module.md").write_text("---\ntitle: X\nsummary: Y\njp: 2\n---\n")
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/modul-uji/module.md:4: jp: 2 berarti 90 menit belajar" in result.output


def test_cli_sync_with_an_error_changes_nothing(db, runner, tmp_path):
    write_module(tmp_path, "modul-a")
    bad = write_module(tmp_path, "modul-b")
    (bad / "quiz.md").write_text("## Pertanyaan tanpa jawaban\n")
    result = runner.invoke(args=["content", "sync", str(tmp_path)])
    assert result.exit_code == 1
    assert "modul-b/quiz.md:1:" in result.output
    assert db.session.scalar(select(func.count()).select_from(Module)) == 0


def test_cli_sync_one_module_folder_does_not_archive_others(db, runner, tmp_path):
    write_module(tmp_path, "modul-a")
    write_module(tmp_path, "modul-b")
    assert runner.invoke(args=["content", "sync", str(tmp_path)]).exit_code == 0
    result = runner.invoke(args=["content", "sync", str(tmp_path / "modul-a")])
    assert result.exit_code == 0, result.output
    assert not any(m.is_archived for m in db.session.scalars(select(Module)))


def test_shipped_content_passes_the_checker_without_warnings_and_carries_its_jp():
    root = Path(__file__).resolve().parents[2] / "content"
    modules, errors = check_tree(root)
    assert [str(e) for e in errors] == []
    assert [str(w) for w in collect_warnings(modules)] == []
    assert len(modules) >= 4
    for module in modules:
        assert len(module.lessons) >= 4, module.slug
        assert module.quiz is not None and len(module.quiz.questions) >= 8, module.slug
        assert {q.kind for q in module.quiz.questions} == {"single", "multiple", "short"}, module.slug
        # JP rests on what a learner really reads, works and answers: jp × 45 within the tolerance.
        assert module.expected_minutes >= jp_minimum_minutes(module.jp), module.slug
        assert module.quiz.pick and len(module.quiz.questions) >= 2 * module.quiz.pick, module.slug


@pytest.mark.parametrize("role,status", [("pelatih", 200), ("admin", 200), ("peserta", 403), ("hr", 403)])
def test_trainer_module_list_access(login_as, role, status):
    browser, _ = login_as(role)
    assert browser.get("/pelatih/modul").status_code == status


def test_trainer_module_list_needs_login(client):
    response = client.get("/pelatih/modul")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
