"""Modules, lessons, quizzes, questions and media as synced from the trainers' Markdown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from lms.database import TimestampMixin, TZDateTime, utcnow
from lms.extensions import db


class Module(TimestampMixin, db.Model):
    """A module; `version` goes up whenever its content changes, `is_archived` when its folder is gone.

    `estimated_minutes` is its lessons' and quiz's expected minutes together, on which its `jp` rests.
    """

    __tablename__ = "modules"
    __table_args__ = (
        CheckConstraint("jp BETWEEN 1 AND 100", name="jp_range"),
        CheckConstraint("version >= 1", name="version_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(String(300))
    jp: Mapped[int]
    category: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(20))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    is_published: Mapped[bool] = mapped_column(default=True)
    is_archived: Mapped[bool] = mapped_column(default=False)
    certificate_valid_months: Mapped[int | None]
    # False: the module earns JP once ever (recertification renews the certificate only).
    jp_repeatable: Mapped[bool] = mapped_column(default=True)
    overview_html: Mapped[str] = mapped_column(Text, default="")
    estimated_minutes: Mapped[int] = mapped_column(default=0)
    lesson_count: Mapped[int] = mapped_column(default=0)
    question_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    quiz: Mapped[Quiz | None] = relationship(back_populates="module", cascade="all, delete-orphan")

    @property
    def is_visible(self) -> bool:
        return self.is_published and not self.is_archived


class Lesson(db.Model):
    """A lesson; identified by (module, slug) for life, so progress survives edits and reordering.

    `duration_minutes` is its expected time as the checker set it (declared `minutes:`, or reading
    time plus `exercise_minutes:`): what time on task is measured against.
    """

    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("module_id", "slug"),
        Index("ix_lessons_module_position", "module_id", "position"),
        CheckConstraint("duration_minutes >= 1", name="duration_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    duration_minutes: Mapped[int]
    html: Mapped[str] = deferred(mapped_column(Text, default=""))
    is_archived: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)

    module: Mapped[Module] = relationship(back_populates="lessons")


class Quiz(db.Model):
    """A module's final quiz; `duration_minutes` is its expected time (declared `minutes:`, or one per question)."""

    __tablename__ = "quizzes"
    __table_args__ = (
        UniqueConstraint("module_id"),
        CheckConstraint("passing_score BETWEEN 0 AND 100", name="passing_score_range"),
        CheckConstraint("max_attempts >= 0", name="max_attempts_nonnegative"),
        CheckConstraint("duration_minutes >= 1", name="duration_positive"),
        CheckConstraint("retry_after_minutes >= 0", name="retry_after_nonnegative"),
        CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes >= 1", name="time_limit_positive"),
        CheckConstraint("pick IS NULL OR pick >= 1", name="pick_positive"),
        CheckConstraint(
            "show_explanations IN ('never', 'after_pass', 'after_last_attempt', 'always')",
            name="show_explanations_known",
        ),
        CheckConstraint(
            "show_correct_answers IN ('never', 'after_pass', 'after_last_attempt', 'always')",
            name="show_correct_answers_known",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    passing_score: Mapped[int] = mapped_column(default=70)
    max_attempts: Mapped[int] = mapped_column(default=3)  # 0: unlimited
    retry_after_minutes: Mapped[int] = mapped_column(default=30)  # cooldown after a failed attempt
    time_limit_minutes: Mapped[int | None]
    pick: Mapped[int | None]  # questions drawn per attempt; None: the whole bank
    show_explanations: Mapped[str] = mapped_column(String(20), default="after_pass")
    show_correct_answers: Mapped[str] = mapped_column(String(20), default="after_pass")
    shuffle: Mapped[bool] = mapped_column(default=True)
    duration_minutes: Mapped[int]
    intro_html: Mapped[str] = mapped_column(Text, default="")
    is_archived: Mapped[bool] = mapped_column(default=False)

    module: Mapped[Module] = relationship(back_populates="quiz")
    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(db.Model):
    """A question, keyed by a hash of its prompt so reordering keeps it; removed ones are archived."""

    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("quiz_id", "key"),
        CheckConstraint("kind IN ('single', 'multiple', 'short')", name="known_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    prompt_html: Mapped[str] = mapped_column(Text)
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    accepted: Mapped[list] = mapped_column(JSON, default=list)  # normalised short answers
    group_name: Mapped[str | None] = mapped_column(String(100))  # the topic (`group:`) a draw represents
    is_archived: Mapped[bool] = mapped_column(default=False)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )


class Option(db.Model):
    __tablename__ = "options"
    __table_args__ = (UniqueConstraint("question_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    html: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="options")


class MediaBlob(db.Model):
    """File bytes, content-addressed by SHA-256, so app servers need no shared disk."""

    __tablename__ = "media_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class ModuleMedia(db.Model):
    """Which file of a module (its relative path) is which blob."""

    __tablename__ = "module_media"
    __table_args__ = (UniqueConstraint("module_id", "path"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(ForeignKey("media_blobs.sha256"))
