"""Operations on quiz attempts: start (with a seed and a snapshot), save part-way, submit and grade once.

Each adds/flushes in the caller's transaction and raises a domain error; the view commits once.
On import this module registers "quiz passed" as a completion requirement of learning, and the
learner's attempts as a section of her personal-data export.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import dates
from lms.accounts.personal_data import register_personal_data
from lms.content.models import Module, Quiz
from lms.content.queries import current_questions
from lms.database import utcnow
from lms.errors import Conflict, NotFound, ValidationError
from lms.extensions import db
from lms.learning.models import Completion
from lms.learning.requirements import RequirementStatus, register_completion_requirement
from lms.learning.services import touch_enrolment, try_complete
from lms.quizzes import queries
from lms.quizzes.grading import InvalidAnswer, SnapOption, SnapQuestion, clean_answers, grade
from lms.quizzes.models import QuizAttempt

SEED_LIMIT = 2**31  # seeds are 0 .. 2^31-1 (an INTEGER column)


def exhausted_message(max_attempts: int) -> str:
    return (
        f"Kesempatan mengerjakan kuis ini sudah habis: {max_attempts} dari {max_attempts} percobaan sudah "
        "dipakai. Hubungi pelatih atau admin bila Anda memerlukan kesempatan tambahan."
    )


def snapshot_quiz(module: Module, quiz: Quiz) -> dict:
    """Everything grading and the result page need, frozen: later syncs of the module never change it."""
    questions = [
        SnapQuestion(
            key=q.key,
            kind=q.kind,
            prompt_html=q.prompt_html,
            explanation_html=q.explanation_html or "",
            options=tuple(SnapOption(o.key, o.html, o.is_correct) for o in q.options),
            accepted=tuple(q.accepted or ()),
        )
        for q in current_questions(quiz.id)
    ]
    return {
        "title": quiz.title,
        "intro_html": quiz.intro_html,
        "passing_score": quiz.passing_score,
        "max_attempts": quiz.max_attempts,
        "shuffle": quiz.shuffle,
        "module_version": module.version,
        "questions": [q.to_dict() for q in questions],
    }


def start_attempt(user_id: int, module: Module) -> QuizAttempt:
    """Her open attempt, or a new one numbered after her last, with a fresh seed and a snapshot.

    Raises NotFound when the module has no quiz, ValidationError when `max_attempts` is used up.
    Two concurrent starts cannot make two attempts: (user, quiz, number) is unique.
    """
    quiz = queries.current_quiz(module.id)
    if quiz is None:
        raise NotFound("Modul ini tidak memiliki kuis.")
    state = queries.quiz_state(quiz, user_id)
    if state.open_attempt is not None:
        return state.open_attempt
    if not state.can_start:
        raise ValidationError(exhausted_message(quiz.max_attempts))
    last = db.session.scalar(
        select(func.max(QuizAttempt.number)).where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz.id)
    )
    snapshot = snapshot_quiz(module, quiz)
    attempt = QuizAttempt(
        user_id=user_id,
        quiz_id=quiz.id,
        module_id=module.id,
        number=(last or 0) + 1,
        seed=secrets.randbelow(SEED_LIMIT),
        started_at=utcnow(),
        passing_score=quiz.passing_score,
        snapshot=snapshot,
        answers={},
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        raise Conflict("Kuis ini baru saja dimulai di jendela lain. Muat ulang halaman lalu lanjutkan.") from None
    touch_enrolment(user_id, module)
    return attempt


def _cleaned(attempt: QuizAttempt, raw: Mapping[str, Sequence[str]]) -> dict:
    try:
        return clean_answers(attempt.questions, raw)
    except InvalidAnswer as error:
        raise ValidationError(str(error)) from None


def save_answers(attempt: QuizAttempt, raw: Mapping[str, Sequence[str]]) -> bool:
    """Keep her answers so far ("Simpan jawaban"); a submitted attempt is never changed (returns False).

    Raises ValidationError (400) for an option that is not in its question.
    """
    if attempt.is_submitted:
        return False
    attempt.answers = _cleaned(attempt, raw)
    attempt.saved_at = utcnow()
    db.session.flush()
    return True


def submit_attempt(attempt: QuizAttempt, raw: Mapping[str, Sequence[str]] | None) -> Completion | None:
    """Grade on the server against the attempt's snapshot, once: a second submission changes nothing.

    Raises ValidationError for an option not in its question, or when her other submitted attempts
    already use up `max_attempts`. A passing grade completes the module if nothing else is missing;
    returns that new Completion, or None.
    """
    if attempt.is_submitted:
        return None
    max_attempts = int(attempt.setting("max_attempts", 0) or 0)
    if max_attempts:
        used = db.session.scalar(
            select(func.count()).select_from(
                queries.current_cycle_attempts()
                .where(
                    QuizAttempt.user_id == attempt.user_id,
                    QuizAttempt.quiz_id == attempt.quiz_id,
                    QuizAttempt.submitted_at.is_not(None),
                    QuizAttempt.id != attempt.id,
                )
                .subquery()
            )
        )
        if used >= max_attempts:
            raise ValidationError(exhausted_message(max_attempts) + " Jawaban ini tidak dinilai.")
    if raw is not None:
        attempt.answers = _cleaned(attempt, raw)
    result = grade(attempt.questions, attempt.answers, attempt.passing_score)
    attempt.score = result.score
    attempt.passed = result.passed
    attempt.results = result.correct
    attempt.submitted_at = utcnow()
    db.session.flush()
    if not result.passed:
        return None
    module = db.session.get(Module, attempt.module_id)
    return try_complete(attempt.user_id, module)


@register_completion_requirement
def quiz_passed(user_id: int | None, module: Module) -> RequirementStatus | None:
    """A module with a quiz is complete only once she passed it; the best score is what completion records."""
    quiz = queries.current_quiz(module.id)
    if quiz is None:
        return None
    state = queries.quiz_state(quiz, user_id)
    return RequirementStatus(
        key="quiz",
        rule=_l("lulus kuis dengan nilai minimal %(score)s", score=quiz.passing_score),
        is_met=state.passed,
        score=state.best_score,
        next_endpoint="quizzes.quiz",
        next_values={"slug": module.slug},
        next_label=_l("Kerjakan kuis"),
        template="quizzes/_module_panel.html",
        context={"state": state},
    )


def personal_data(user) -> list[dict]:
    """Her quiz attempts for the PDP export: when, which module, her answers, score and result."""
    return [
        {
            "modul": a.module.slug,
            "kuis": a.snapshot.get("title"),
            "percobaan_ke": a.number,
            "mulai": dates.local_iso(a.started_at),
            "dikirim": dates.local_iso(a.submitted_at),
            "jawaban": a.answers,
            "nilai": a.score,
            "lulus": a.passed,
        }
        for a in queries.attempts_for_export(user.id)
    ]


register_personal_data("kuis", personal_data)
