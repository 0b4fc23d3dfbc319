"""Learner data survives trainers' edits: edit, reorder, add and remove lessons and questions, then re-sync."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.content.models import Lesson, Module
from lms.learning import queries, services
from lms.learning.models import Completion, Enrolment, LessonProgress
from lms.quizzes import services as quiz_services
from lms.quizzes.models import QuizAttempt
from tests.conftest import create_user
from tests.learning.helpers import (
    answers_for,
    lesson_file,
    quiz_text,
    sync_folder,
    write_module,
)

ORIGINAL = (
    lesson_file(1, "pengantar", "Pengantar"),
    lesson_file(2, "inti", "Materi Inti"),
    lesson_file(3, "penutup", "Penutup"),
)


@pytest.fixture
def root(tmp_path):
    return tmp_path / "content"


def sync(root, **kwargs) -> Module:
    sync_folder(write_module(root, "dasar-digital", **kwargs))
    return queries.module_by_slug("dasar-digital")


def lesson(module: Module, slug: str) -> Lesson:
    return next(item for item in module.lessons if item.slug == slug)


def raw(answers: dict) -> dict[str, list[str]]:
    return {k.removeprefix("q-"): (v if isinstance(v, list) else [v]) for k, v in answers.items()}


def done_slugs(module: Module, user_id: int) -> list[str]:
    return [row.slug for row in queries.lessons_with_progress(module.id, user_id) if row.is_done]


def test_progress_survives_edit_reorder_add_and_remove(db, root):
    user = create_user()
    module = sync(root, lessons=ORIGINAL)
    services.complete_lesson(user.id, module, lesson(module, "pengantar"))
    services.complete_lesson(user.id, module, lesson(module, "penutup"))
    services.open_lesson(user.id, module, lesson(module, "inti"))
    db.session.commit()

    # Edit a lesson's text, reorder, add one, remove one.
    edited = (
        lesson_file(1, "penutup", "Penutup (direvisi)", body="Isi yang ditulis ulang.\n"),
        lesson_file(2, "baru", "Pelajaran Baru"),
        lesson_file(3, "pengantar", "Pengantar"),
    )
    module = sync(root, lessons=edited)
    assert module.version == 2
    rows = queries.lessons_with_progress(module.id, user.id)
    assert [(r.slug, r.is_done) for r in rows] == [("penutup", True), ("baru", False), ("pengantar", True)]
    assert queries.progress_of(rows).percent == 66

    removed = db.session.scalar(select(Lesson).where(Lesson.slug == "inti"))
    assert removed.is_archived  # archived, never deleted
    # Her "last opened" lesson is gone from the module: resume at the first unfinished current lesson.
    enrolment = queries.enrolment_of(user.id, module.id)
    assert enrolment.last_lesson_id == removed.id
    assert queries.next_lesson(rows, enrolment.last_lesson_id).slug == "baru"
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 2

    # Bring the removed lesson back: it is the same lesson, with the same (empty) progress.
    module = sync(root, lessons=(*edited, lesson_file(4, "inti", "Materi Inti")))
    assert db.session.scalar(select(Lesson).where(Lesson.slug == "inti")).id == removed.id
    assert not removed.is_archived


def test_a_removed_lesson_she_had_done_keeps_its_row_but_leaves_the_count(db, root):
    user = create_user()
    module = sync(root, lessons=ORIGINAL)
    for slug in ("pengantar", "inti"):
        services.complete_lesson(user.id, module, lesson(module, slug))
    db.session.commit()
    module = sync(root, lessons=ORIGINAL[:1] + ORIGINAL[2:])
    assert done_slugs(module, user.id) == ["pengantar"]
    assert queries.progress_by_module(user.id, [module.id])[module.id].total == 2
    assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 2


def test_completion_survives_every_kind_of_edit(db, root):
    user = create_user()
    module = sync(root, lessons=ORIGINAL)
    attempt = quiz_services.start_attempt(user.id, module)
    quiz_services.submit_attempt(attempt, raw(answers_for(module)))
    for slug in ("pengantar", "inti", "penutup"):
        services.complete_lesson(user.id, module, lesson(module, slug))
    db.session.commit()
    completion = queries.completion_of(user.id, module.id)
    recorded = (completion.id, completion.completed_at, completion.score, completion.jp, completion.module_version)
    assert recorded[2:] == (100, 3, 1)
    snapshot = dict(attempt.snapshot)
    result = (attempt.score, attempt.passed, dict(attempt.results), dict(attempt.answers))

    # JP, lessons and the quiz all change.
    module = sync(
        root,
        jp=8,
        lessons=(lesson_file(1, "pengantar", "Pengantar"), lesson_file(2, "lain", "Lain")),
        quiz=quiz_text(("leaf", "## Pertanyaan yang benar-benar baru?\n- [x] Ya\n- [ ] Tidak\n"), passing_score=100),
    )
    assert module.version == 2 and module.jp == 8
    db.session.expire_all()
    completion = queries.completion_of(user.id, module.id)
    assert (completion.id, completion.completed_at, completion.score, completion.jp, completion.module_version) == (
        recorded
    )
    attempt = db.session.get(QuizAttempt, attempt.id)
    assert attempt.snapshot == snapshot
    assert (attempt.score, attempt.passed, attempt.results, attempt.answers) == result
    # Completing new lessons never records a second completion.
    assert services.complete_lesson(user.id, module, lesson(module, "lain")) is None
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 1


def test_removed_questions_are_archived_and_a_new_attempt_uses_the_current_quiz(db, root):
    user = create_user()
    module = sync(root)
    first = quiz_services.start_attempt(user.id, module)
    db.session.commit()
    keys_before = [q["key"] for q in first.snapshot["questions"]]

    module = sync(root, quiz=quiz_text(("multiple", "leaf", "single"), passing_score=60))  # reordered, one removed
    from lms.content.models import Question

    archived = db.session.scalars(select(Question).where(Question.is_archived.is_(True))).all()
    assert len(archived) == 1 and "Satuan waktu" in archived[0].prompt_html
    assert [q["key"] for q in db.session.get(QuizAttempt, first.id).snapshot["questions"]] == keys_before

    quiz_services.submit_attempt(first, raw(answers_for(module)))  # answers to the 3 questions still current
    assert first.score == 75 and first.passed  # 3 of its 4 questions; its own pass mark of 70
    # She passed, so she draws no new attempt; another learner's first attempt takes the quiz as it is now.
    second = quiz_services.start_attempt(create_user().id, module)
    assert len(second.snapshot["questions"]) == 3 and second.passing_score == 60 and second.number == 1


def test_enrolment_is_one_row_whatever_she_opens(db, root):
    user = create_user()
    module = sync(root)
    for slug in ("pengantar", "inti", "pengantar", "penutup"):
        services.open_lesson(user.id, module, lesson(module, slug))
    services.complete_lesson(user.id, module, lesson(module, "inti"))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1
    enrolment = queries.enrolment_of(user.id, module.id)
    assert enrolment.last_lesson_id == lesson(module, "inti").id


def test_the_schema_refuses_duplicates(db, root):
    from sqlalchemy.exc import IntegrityError

    user = create_user()
    module = sync(root)
    for make in (
        lambda: Enrolment(user_id=user.id, module_id=module.id),
        lambda: LessonProgress(user_id=user.id, lesson_id=module.lessons[0].id),
        lambda: Completion(user_id=user.id, module_id=module.id, started_at=module.synced_at, jp=3, module_version=1),
    ):
        db.session.add(make())
        db.session.commit()
        db.session.add(make())
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
