"""Reads of synced content: module lists for trainers, one module with its lessons, media."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer

from lms.content.models import Lesson, MediaBlob, Module, Question, Quiz
from lms.errors import NotFound
from lms.extensions import db


def all_modules() -> list[Module]:
    """Every module, published or not, archived last."""
    return list(db.session.scalars(select(Module).order_by(Module.is_archived, Module.title)))


def module_by_slug(slug: str, *, include_hidden: bool = False) -> Module:
    """The module with its current lessons; hidden (unpublished/archived) ones only when asked. Raises NotFound."""
    module = db.session.scalar(select(Module).where(Module.slug == slug))
    if module is None or (not include_hidden and not module.is_visible):
        raise NotFound("Modul tidak ditemukan.")
    return module


def current_lessons(module_id: int) -> list[Lesson]:
    return list(
        db.session.scalars(
            select(Lesson).where(Lesson.module_id == module_id, Lesson.is_archived.is_(False)).order_by(Lesson.position)
        )
    )


def lesson_with_html(module_id: int, slug: str) -> Lesson:
    lesson = db.session.scalar(
        select(Lesson)
        .options(undefer(Lesson.html))
        .where(Lesson.module_id == module_id, Lesson.slug == slug, Lesson.is_archived.is_(False))
    )
    if lesson is None:
        raise NotFound("Pelajaran tidak ditemukan.")
    return lesson


def quiz_with_questions(module_id: int) -> Quiz | None:
    """The module's current quiz with its current questions and their options (3 queries)."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module_id, Quiz.is_archived.is_(False)))
    if quiz is None:
        return None
    return quiz


def current_questions(quiz_id: int) -> list[Question]:
    return list(
        db.session.scalars(
            select(Question)
            .options(selectinload(Question.options))
            .where(Question.quiz_id == quiz_id, Question.is_archived.is_(False))
            .order_by(Question.position)
        )
    )


def media_blob(sha256: str) -> MediaBlob:
    blob = db.session.scalar(select(MediaBlob).options(undefer(MediaBlob.data)).where(MediaBlob.sha256 == sha256))
    if blob is None:
        raise NotFound("Berkas tidak ditemukan.")
    return blob
