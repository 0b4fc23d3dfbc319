"""Quiz attempts: each holds a snapshot of the quiz as it was at the start, so later edits never change it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.content.models import Module, Quiz
from lms.database import TZDateTime, utcnow
from lms.extensions import db
from lms.quizzes.grading import SnapQuestion, deadline_of


class QuizAttempt(db.Model):
    """One attempt: number n of (user, quiz); started with a seed and a snapshot; submitted once.

    `snapshot` holds the quiz title, intro, passing score, max attempts, shuffle flag, module version
    and every question with its options, correctness, accepted answers and explanation. `answers`
    are saved part-way ("Simpan jawaban") and frozen at submission; `results` is {question key: right}.
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint("passing_score BETWEEN 0 AND 100", name="passing_score_range"),
        CheckConstraint(
            "(submitted_at IS NULL AND score IS NULL AND passed IS NULL)"
            " OR (submitted_at IS NOT NULL AND score IS NOT NULL AND passed IS NOT NULL)",
            name="submitted_graded",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    seed: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)
    passing_score: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSON)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(TZDateTime())
    score: Mapped[int | None]
    passed: Mapped[bool | None]
    results: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped[User] = relationship()
    quiz: Mapped[Quiz] = relationship()
    module: Mapped[Module] = relationship()

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def questions(self) -> list[SnapQuestion]:
        return [SnapQuestion.from_dict(q) for q in self.snapshot["questions"]]

    def setting(self, name: str, default: Any = None) -> Any:
        return self.snapshot.get(name, default)

    @property
    def deadline_at(self) -> datetime | None:
        """started_at + the snapshot's time limit; answers after it are not taken (grading.is_past)."""
        return deadline_of(self.started_at, self.setting("time_limit_minutes"))


class QuizAttemptGrant(db.Model):
    """Extra attempts on one quiz for one learner, granted by HR, a trainer or an admin, with a reason.

    Her attempts allowed are the quiz's `max_attempts` plus the sum of her grants; each grant is also
    written to the audit log.
    """

    __tablename__ = "quiz_attempt_grants"
    __table_args__ = (CheckConstraint("extra BETWEEN 1 AND 10", name="extra_range"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    extra: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(TZDateTime(), default=utcnow)

    quiz: Mapped[Quiz] = relationship()
