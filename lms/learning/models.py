"""Enrolments, lesson progress and completions: one row per (user, module) or (user, lesson), by schema."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.content.models import Lesson, Module
from lms.database import TZDateTime, utcnow
from lms.extensions import db


class Enrolment(db.Model):
    """A learner in a module: made when she first opens a lesson; remembers the lesson she opened last."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id"),
        Index("ix_enrolments_user_activity", "user_id", "last_activity_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    last_activity_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    # When she began taking the module again after an expired or voided completion (recertification);
    # None in her first cycle. Quiz attempts before it belong to earlier cycles.
    cycle_started_at: Mapped[datetime | None] = mapped_column(TZDateTime())

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()


class LessonProgress(db.Model):
    """A lesson the learner marked done. Keyed by the lesson row, which lives as long as its slug does."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)

    lesson: Mapped[Lesson] = relationship()


class LessonVisit(db.Model):
    """The lesson she has open, per learner (one row, whatever her tabs and devices): the start of the
    interval her next lesson request credits. Moved with a compare-and-set, so an interval counts once."""

    __tablename__ = "lesson_visits"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(TZDateTime())


class LessonTime(db.Model):
    """Her reading time on a lesson, in seconds, accumulated over visits and devices (lms/learning/timing.py)."""

    __tablename__ = "lesson_times"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id"),
        CheckConstraint("seconds >= 0", name="seconds_nonnegative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    seconds: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)


class Completion(db.Model):
    """A completed module: the record JP totals and certificates build on. What she did — when, score,
    JP, module version — is recorded once and never changed.

    A learner completes a module once per `cycle`: cycle 1, then (recertification) a new cycle once the
    previous one's validity (`valid_until`, from the module's `certificate_valid_months`) has ended or
    it was voided. Old cycles stay as history. Whether it earns its JP is the one rule of
    lms.learning.jp, stored in `jp_exclusion` (NULL: it counts) by `services.recount_jp`; `voided_at`
    is set when it is declared invalid (its certificate revoked as *tidak sah*).
    """

    __tablename__ = "completions"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id", "cycle"),
        CheckConstraint("cycle >= 1", name="cycle_positive"),
        CheckConstraint(
            "jp_exclusion IS NULL OR jp_exclusion IN ('void', 'same_year', 'counted_before')",
            name="known_jp_exclusion",
        ),
        CheckConstraint("jp >= 0", name="jp_nonnegative"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint("module_version >= 1", name="module_version_positive"),
        CheckConstraint("engaged_seconds IS NULL OR engaged_seconds >= 0", name="engaged_seconds_nonnegative"),
        Index("ix_completions_completed_at", "completed_at"),
        # The HR dashboard sums a year's JP per person from this index alone (migration 0016_hr_indexes).
        Index("ix_completions_year_jp", "completed_at", "user_id", "jp", "jp_exclusion"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(TZDateTime())
    completed_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    score: Mapped[int | None]
    jp: Mapped[int]
    module_version: Mapped[int]
    cycle: Mapped[int] = mapped_column(default=1)
    valid_until: Mapped[date | None] = mapped_column(Date)
    voided_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    jp_exclusion: Mapped[str | None] = mapped_column(String(20))
    # Her reading time on the module's lessons at completion, and their expected minutes then (None:
    # completed before time on task was measured).
    engaged_seconds: Mapped[int | None]
    expected_minutes: Mapped[int | None]

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()

    @hybrid_property
    def counts_for_jp(self) -> bool:
        """Whether it earns its JP (the rule of lms.learning.jp, as stored); also usable in SQL."""
        return self.jp_exclusion is None

    @counts_for_jp.inplace.expression
    @classmethod
    def _counts_for_jp_expression(cls):
        return cls.jp_exclusion.is_(None)

    @property
    def counted_jp(self) -> int:
        """The JP it adds to her total: its JP when it counts, else 0."""
        return self.jp if self.counts_for_jp else 0

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
