"""Reads about quizzes: the module's current quiz, a learner's attempts and her state on the quiz."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select

from lms.content.models import Quiz
from lms.errors import NotFound
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.quizzes.models import QuizAttempt

# Attempts of her current cycle of the module: all of them, unless she began the module again
# (recertification, lms.learning.services.start_new_cycle); then only those started since.
_HER_ENROLMENT = and_(Enrolment.user_id == QuizAttempt.user_id, Enrolment.module_id == QuizAttempt.module_id)
IN_CURRENT_CYCLE = or_(Enrolment.cycle_started_at.is_(None), QuizAttempt.started_at >= Enrolment.cycle_started_at)


def current_cycle_attempts():
    """A SELECT of QuizAttempt limited to each learner's current cycle of its module (add your filters)."""
    return select(QuizAttempt).outerjoin(Enrolment, _HER_ENROLMENT).where(IN_CURRENT_CYCLE)


@dataclass(frozen=True)
class QuizState:
    """Her standing on a quiz: attempts (newest first), the open one, best score, passed, attempts left."""

    quiz: Quiz
    attempts: list[QuizAttempt] = field(default_factory=list)

    @property
    def submitted(self) -> list[QuizAttempt]:
        return [a for a in self.attempts if a.is_submitted]

    @property
    def open_attempt(self) -> QuizAttempt | None:
        return next((a for a in self.attempts if not a.is_submitted), None)

    @property
    def best_score(self) -> int | None:
        scores = [a.score for a in self.submitted if a.score is not None]
        return max(scores) if scores else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.submitted)

    @property
    def attempts_left(self) -> int | None:
        """None means unlimited (max_attempts 0)."""
        if not self.quiz.max_attempts:
            return None
        return max(0, self.quiz.max_attempts - len(self.submitted))

    @property
    def can_start(self) -> bool:
        return self.open_attempt is not None or self.attempts_left is None or self.attempts_left > 0


def current_quiz(module_id: int) -> Quiz | None:
    """The module's quiz unless it was removed from the module (archived)."""
    return db.session.scalar(select(Quiz).where(Quiz.module_id == module_id, Quiz.is_archived.is_(False)))


def attempts_of(user_id: int, quiz_id: int) -> list[QuizAttempt]:
    """Her attempts at the quiz in her current cycle of the module, newest first."""
    return list(
        db.session.scalars(
            current_cycle_attempts()
            .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
            .order_by(QuizAttempt.number.desc())
        )
    )


def quiz_state(quiz: Quiz, user_id: int | None) -> QuizState:
    return QuizState(quiz=quiz, attempts=attempts_of(user_id, quiz.id) if user_id is not None else [])


def own_attempt(user_id: int, attempt_id: int, *, for_update: bool = False) -> QuizAttempt:
    """The attempt if it is hers; anybody else's (or none) is the same 404, so ids reveal nothing."""
    stmt = select(QuizAttempt).where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user_id)
    if for_update:
        stmt = stmt.with_for_update()
    attempt = db.session.scalar(stmt)
    if attempt is None:
        raise NotFound("Percobaan kuis tidak ditemukan.")
    return attempt


def attempts_for_export(user_id: int) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt).where(QuizAttempt.user_id == user_id).order_by(QuizAttempt.started_at, QuizAttempt.id)
        )
    )
