"""Reads about quizzes: the module's current quiz, a learner's attempts and her state on the quiz."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from lms.accounts.models import User
from lms.content.models import Quiz
from lms.database import utcnow
from lms.errors import NotFound
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.quizzes.models import QuizAttempt, QuizAttemptGrant

# Attempts of her current cycle of the module: all of them, unless she began the module again
# (recertification, lms.learning.services.start_new_cycle); then only those started since.
_HER_ENROLMENT = and_(Enrolment.user_id == QuizAttempt.user_id, Enrolment.module_id == QuizAttempt.module_id)
IN_CURRENT_CYCLE = or_(Enrolment.cycle_started_at.is_(None), QuizAttempt.started_at >= Enrolment.cycle_started_at)


def current_cycle_attempts():
    """A SELECT of QuizAttempt limited to each learner's current cycle of its module (add your filters)."""
    return select(QuizAttempt).outerjoin(Enrolment, _HER_ENROLMENT).where(IN_CURRENT_CYCLE)


@dataclass(frozen=True)
class QuizState:
    """Her standing on a quiz: attempts (newest first), the open one, best score, passed, attempts left,
    and when the cooldown after a failed attempt ends; ``granted`` is extra attempts given to her."""

    quiz: Quiz
    attempts: list[QuizAttempt] = field(default_factory=list)
    granted: int = 0
    now: datetime = field(default_factory=utcnow)

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
    def allowed(self) -> int | None:
        """Attempts she may submit: max_attempts plus her grants; None means unlimited (max_attempts 0)."""
        if not self.quiz.max_attempts:
            return None
        return self.quiz.max_attempts + self.granted

    @property
    def attempts_left(self) -> int | None:
        """None means unlimited (max_attempts 0)."""
        if self.allowed is None:
            return None
        return max(0, self.allowed - len(self.submitted))

    @property
    def retry_at(self) -> datetime | None:
        """While the cooldown after her latest (failed) attempt runs: when she may start the next one."""
        if self.passed or not self.quiz.retry_after_minutes or not self.submitted:
            return None
        latest = max(self.submitted, key=lambda a: a.submitted_at)
        moment = latest.submitted_at + timedelta(minutes=self.quiz.retry_after_minutes)
        return moment if moment > self.now else None

    @property
    def can_start(self) -> bool:
        if self.open_attempt is not None:
            return True
        if self.passed:
            return False  # no new draw once passed: its answers would be shown
        return (self.attempts_left is None or self.attempts_left > 0) and self.retry_at is None

    @property
    def is_exhausted(self) -> bool:
        return self.open_attempt is None and self.attempts_left == 0


def current_quiz(module_id: int) -> Quiz | None:
    """The module's quiz unless it was removed from the module (archived)."""
    return db.session.scalar(select(Quiz).where(Quiz.module_id == module_id, Quiz.is_archived.is_(False)))


def granted_attempts(user_id: int, quiz_id: int) -> int:
    """Extra attempts granted to her on this quiz for her current cycle of the module, in total."""
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(QuizAttemptGrant.extra), 0))
            .join(Quiz, Quiz.id == QuizAttemptGrant.quiz_id)
            .outerjoin(
                Enrolment, and_(Enrolment.user_id == QuizAttemptGrant.user_id, Enrolment.module_id == Quiz.module_id)
            )
            .where(QuizAttemptGrant.user_id == user_id, QuizAttemptGrant.quiz_id == quiz_id, _GRANTED_IN_CURRENT_CYCLE)
        )
    )


def _granted_sum(user_id: int, quiz_id: int, *conditions):
    return (
        select(func.coalesce(func.sum(QuizAttemptGrant.extra), 0))
        .where(QuizAttemptGrant.user_id == user_id, QuizAttemptGrant.quiz_id == quiz_id, *conditions)
        .scalar_subquery()
    )


# Grants made for her current cycle of the module (read beside IN_CURRENT_CYCLE's enrolment): extra attempts
# given before she began the module again were for that earlier cycle.
_GRANTED_IN_CURRENT_CYCLE = or_(
    Enrolment.cycle_started_at.is_(None), QuizAttemptGrant.granted_at >= Enrolment.cycle_started_at
)


def quiz_state(quiz: Quiz, user_id: int | None) -> QuizState:
    """Her state in one query: her attempts of her current cycle of the module (recertification), each
    row carrying the total of her grants for that cycle (pages count queries).

    Without attempts her grants are not read: she has used none, so nothing was granted to her yet."""
    if user_id is None:
        return QuizState(quiz=quiz)
    rows = db.session.execute(
        select(QuizAttempt, _granted_sum(user_id, quiz.id, _GRANTED_IN_CURRENT_CYCLE))
        .outerjoin(Enrolment, _HER_ENROLMENT)
        .where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz.id, IN_CURRENT_CYCLE)
        .order_by(QuizAttempt.number.desc())
    ).all()
    return QuizState(quiz=quiz, attempts=[row[0] for row in rows], granted=int(rows[0][1]) if rows else 0)


def grants_to(user_id: int) -> list[QuizAttemptGrant]:
    """Extra attempts granted to her on any quiz, oldest first."""
    return list(
        db.session.scalars(
            select(QuizAttemptGrant)
            .where(QuizAttemptGrant.user_id == user_id)
            .order_by(QuizAttemptGrant.granted_at, QuizAttemptGrant.id)
        )
    )


def quiz_standings(user_id: int) -> list[QuizState]:
    """Her state on every current quiz she has attempted (for HR and trainers granting more attempts)."""
    quizzes = db.session.scalars(
        select(Quiz)
        .where(
            Quiz.is_archived.is_(False), Quiz.id.in_(select(QuizAttempt.quiz_id).where(QuizAttempt.user_id == user_id))
        )
        .order_by(Quiz.id)
    )
    return [quiz_state(quiz, user_id) for quiz in quizzes]


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


def quiz_by_id(quiz_id: int) -> Quiz:
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or quiz.is_archived:
        raise NotFound("Kuis tidak ditemukan.")
    return quiz


def learner_by_nip(nip: str) -> User | None:
    """The account with this NIP (18 bare digits), or None."""
    return db.session.scalar(select(User).where(User.nip == nip))
