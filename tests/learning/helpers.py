"""Test helpers: small module folders written into tmp_path and synced (never the shipped content/), and
the learner's clicks (mark a lesson done, start and submit a quiz) as form posts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from lms.content.models import Module, Option, Question, Quiz
from lms.content.parse import check_tree
from lms.content.services import sync_modules
from lms.extensions import db

LESSON_BODY = (
    "Paragraf pertama pelajaran {title}. ASN Kota Semarang belajar sedikit demi sedikit.\n\n"
    "## Bagian penting\n\n- butir satu\n- butir dua\n"
)

QUESTIONS = {
    "single": "## Ibu kota Provinsi Jawa Tengah adalah?\n- [x] Semarang\n- [ ] Surakarta\n- [ ] Magelang\n"
    "> Semarang adalah ibu kota Provinsi Jawa Tengah.\n",
    "multiple": "## Manakah yang termasuk pilar literasi digital? (pilih semua yang benar)\n"
    "- [x] Cakap digital\n- [x] Etika digital\n- [ ] Ekonomi digital\n"
    "> Cakap dan etika digital termasuk empat pilar; ekonomi digital tidak.\n",
    "short": "## Satuan waktu pelatihan ASN disingkat apa?\n= JP\n= jam pelajaran\n> JP berarti jam pelajaran.\n",
    "leaf": "## Warna daun yang sehat adalah?\n- [ ] Merah\n- [x] Hijau\n> Daun hijau karena klorofil.\n",
}


def lesson_file(number: int, slug: str, title: str, body: str | None = None, minutes: int | None = None) -> tuple:
    """A lesson for write_module; minutes None declares its share of the module's jp × 45."""
    return (number, slug, title, body if body is not None else LESSON_BODY.format(title=title), minutes)


DEFAULT_LESSONS = (
    lesson_file(1, "pengantar", "Pengantar"),
    lesson_file(2, "inti", "Materi Inti"),
    lesson_file(3, "penutup", "Penutup"),
)


def quiz_text(
    questions: Sequence[str] = ("single", "multiple", "short", "leaf"),
    *,
    passing_score: int = 70,
    max_attempts: int = 0,
    shuffle: bool = True,
    title: str = "Kuis Akhir",
    retry_after_minutes: int = 0,
    show: str = "always",
    extra: str = "",
) -> str:
    """A quiz.md; its settings are a practice quiz's (unlimited attempts, no cooldown, answers shown) unless
    a test asks otherwise, so tests that retake it say nothing about the credential defaults."""
    body = "\n".join(QUESTIONS.get(q, q) for q in questions)
    return (
        f"---\ntitle: {title}\npassing_score: {passing_score}\nmax_attempts: {max_attempts}\n"
        f"retry_after_minutes: {retry_after_minutes}\nshow_explanations: {show}\nshow_correct_answers: {show}\n"
        f"shuffle: {'true' if shuffle else 'false'}\n{extra}---\nJawab semua soal berikut.\n\n{body}"
    )


def write_module(
    root: Path,
    slug: str = "dasar-digital",
    *,
    title: str = "Dasar Digital untuk ASN",
    summary: str = "Modul singkat untuk pengujian.",
    jp: int = 3,
    category: str | None = "Literasi Digital",
    level: str | None = "dasar",
    tags: Sequence[str] = ("digital", "asn"),
    published: bool = True,
    lessons: Sequence[tuple] = DEFAULT_LESSONS,
    quiz: str | None = None,
    with_quiz: bool = True,
) -> Path:
    """Write (or rewrite) one module folder; lessons are (number, slug, title, body, minutes).

    A lesson without minutes declares an even share of jp × 45, so the module carries its JP as the
    checker requires.
    """
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.md"):
        old.unlink()
    front = [f"title: {title}", f"summary: {summary}", f"jp: {jp}", f"published: {'true' if published else 'false'}"]
    if category:
        front.append(f"category: {category}")
    if level:
        front.append(f"level: {level}")
    if tags:
        front.append("tags: [" + ", ".join(tags) + "]")
    (folder / "module.md").write_text("---\n" + "\n".join(front) + "\n---\nPengantar modul " + title + ".\n")
    share = -(-jp * 45 // max(1, len(lessons)))
    for number, lesson_slug, lesson_title, body, minutes in lessons:
        meta = f"---\ntitle: {lesson_title}\nminutes: {minutes or share}\n---\n"
        (folder / f"{number:02d}-{lesson_slug}.md").write_text(meta + body)
    if quiz is not None or with_quiz:
        (folder / "quiz.md").write_text(quiz if quiz is not None else quiz_text())
    return folder


def sync_folder(path: Path, *, archive_missing: bool = False):
    """Check and sync like `flask content sync`, then commit; fails the test on any check error."""
    modules, errors = check_tree(path)
    assert not errors, "\n".join(map(str, errors))
    report = sync_modules(modules, archive_missing=archive_missing)
    db.session.commit()
    return report


def make_module(root: Path, slug: str = "dasar-digital", **kwargs) -> Module:
    sync_folder(write_module(root, slug, **kwargs))
    return db.session.scalar(select(Module).where(Module.slug == slug))


def quiz_questions(module: Module) -> dict[str, Question]:
    """The module's current questions by their prompt's first words ('Ibu kota', ...)."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    questions = db.session.scalars(
        select(Question).where(Question.quiz_id == quiz.id, Question.is_archived.is_(False))
    ).all()
    return {q.prompt_html: q for q in questions}


def answers_for(module: Module, *, right: Sequence[str] = ("single", "multiple", "short", "leaf")) -> dict:
    """Form data answering the default quiz: the kinds in `right` correctly, the others wrongly."""
    data: dict[str, list[str] | str] = {}
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    for question in db.session.scalars(
        select(Question).where(Question.quiz_id == quiz.id, Question.is_archived.is_(False))
    ):
        name = _question_name(question)
        field = f"q-{question.key}"
        if question.kind == "short":
            data[field] = "  Jp  " if name in right else "menit"
            continue
        options = list(db.session.scalars(select(Option).where(Option.question_id == question.id)))
        correct = [o.key for o in options if o.is_correct]
        wrong = [o.key for o in options if not o.is_correct]
        data[field] = correct if name in right else wrong[:1]
    return data


def _question_name(question: Question) -> str:
    text = question.prompt_html
    if "Ibu kota" in text:
        return "single"
    if "pilar" in text:
        return "multiple"
    if "Satuan" in text:
        return "short"
    if "daun" in text:
        return "leaf"
    return question.key


def lesson_url(module_slug: str, lesson_slug: str) -> str:
    return f"/modul/{module_slug}/pelajaran/{lesson_slug}"


def mark_done(browser, module_slug: str, lesson_slug: str):
    """Press "Tandai selesai" on the lesson page (which, like a browser, opens the page first)."""
    url = lesson_url(module_slug, lesson_slug)
    return browser.post_form(url, {}, action=url + "/selesai")


def start_quiz(browser, module_slug: str) -> str:
    """Press "Mulai kuis"; returns the attempt's URL."""
    response = browser.post_form(f"/modul/{module_slug}/kuis", {}, action=f"/modul/{module_slug}/kuis/mulai")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return response.headers["Location"]


def send_answers(browser, attempt_url: str, answers: dict, action: str = "submit"):
    return browser.post_form(attempt_url, {"action": action, **answers})


def count_statements(engine):
    """A context manager collecting every SQL statement sent (not BEGIN/COMMIT/SAVEPOINT)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def _counting():
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            verb = statement.lstrip().split(None, 1)[0].upper()
            if verb in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}:
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return _counting()
