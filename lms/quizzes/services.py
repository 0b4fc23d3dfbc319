"""Operations on quiz attempts: start (with a seed and a snapshot), save part-way, submit and grade once.

Each adds/flushes in the caller's transaction and raises a domain error; the view commits once.
On import this module registers "quiz passed" as a completion requirement of learning, and the
learner's attempts as a section of her personal-data export.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import dates
from lms.accounts.models import User
from lms.accounts.personal_data import register_personal_data
from lms.accounts.services import record_audit
from lms.content.models import Module, Quiz
from lms.content.queries import current_questions
from lms.database import utcnow
from lms.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lms.extensions import db
from lms.i18n import long_datetime
from lms.learning.models import Completion
from lms.learning.requirements import RequirementStatus, register_completion_requirement
from lms.learning.services import touch_enrolment, try_complete
from lms.params import bounded_int, parse_id
from lms.quizzes import queries
from lms.quizzes.grading import InvalidAnswer, SnapOption, SnapQuestion, clean_answers, draw, grade, is_past
from lms.quizzes.models import QuizAttempt, QuizAttemptGrant

WHO_CAN_GRANT = _l(
    "HR (pengelola kepegawaian) OPD Anda, pelatih, atau admin Lentera dapat memberi kesempatan tambahan; "
    "hubungi salah satu dari mereka."
)

SEED_LIMIT = 2**31  # seeds are 0 .. 2^31-1 (an INTEGER column)


def exhausted_message(allowed: int) -> str:
    """Why she cannot start another attempt, and who can give her more (in her language)."""
    used = gettext("Kesempatan mengerjakan kuis ini sudah habis: %(n)s dari %(n)s percobaan sudah dipakai.", n=allowed)
    return f"{used} {WHO_CAN_GRANT}"


def cooldown_message(retry_at) -> str:
    """When she may start the next attempt after a failed one (in her language)."""
    return gettext(
        "Percobaan berikutnya dapat dimulai pada %(when)s WIB. "
        "Gunakan waktu jeda ini untuk mempelajari kembali topik yang belum dikuasai.",
        when=long_datetime(retry_at),
    )


def snapshot_quiz(module: Module, quiz: Quiz) -> dict:
    """Everything grading and the result page need, frozen: later syncs of the module never change it.

    ``questions`` is the whole bank; ``start_attempt`` replaces it with the attempt's draw.
    """
    questions = [
        SnapQuestion(
            key=q.key,
            kind=q.kind,
            prompt_html=q.prompt_html,
            explanation_html=q.explanation_html or "",
            options=tuple(SnapOption(o.key, o.html, o.is_correct) for o in q.options),
            accepted=tuple(q.accepted or ()),
            group=q.group_name,
        )
        for q in current_questions(quiz.id)
    ]
    return {
        "title": quiz.title,
        "intro_html": quiz.intro_html,
        "passing_score": quiz.passing_score,
        "max_attempts": quiz.max_attempts,
        "retry_after_minutes": quiz.retry_after_minutes,
        "time_limit_minutes": quiz.time_limit_minutes,
        "pick": quiz.pick,
        "bank_size": len(questions),
        "show_explanations": quiz.show_explanations,
        "show_correct_answers": quiz.show_correct_answers,
        "shuffle": quiz.shuffle,
        "module_version": module.version,
        "questions": [q.to_dict() for q in questions],
    }


def _seen_counts(user_id: int, quiz_id: int) -> dict[str, int]:
    """How many of her attempts held each question (so a fresh draw prefers the ones she has not met)."""
    counts: dict[str, int] = {}
    for snapshot in db.session.scalars(
        select(QuizAttempt.snapshot).where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
    ):
        for question in snapshot.get("questions", ()):
            counts[question["key"]] = counts.get(question["key"], 0) + 1
    return counts


def close_overdue(state: queries.QuizState) -> QuizAttempt | None:
    """Grade her open attempt if its time limit has passed (on what she saved by then); returns it, or None."""
    attempt = state.open_attempt
    if attempt is None or not is_past(attempt.deadline_at, utcnow()):
        return None
    submit_attempt(attempt, None)
    return attempt


def start_attempt(user_id: int, module: Module) -> QuizAttempt:
    """Her open attempt, or a new one numbered after her last, with a fresh seed, draw and snapshot.

    Raises NotFound when the module has no quiz; ValidationError once she has passed, when her attempts
    (``max_attempts`` plus any granted) are used up, or while the cooldown after a failed attempt
    (``retry_after_minutes``, counted on the server) runs. An open attempt past its time limit is graded first.
    Two concurrent starts cannot make two attempts: (user, quiz, number) is unique.
    """
    quiz = queries.current_quiz(module.id)
    if quiz is None:
        raise NotFound("Modul ini tidak memiliki kuis.")
    state = queries.quiz_state(quiz, user_id)
    close_overdue(state)
    if state.open_attempt is not None:
        return state.open_attempt
    if state.passed:
        # Once passed, the answers of her attempts are shown (after_pass): a new draw would hand her the
        # answers to more of the bank. Taking the module again (recertification) starts a new cycle.
        raise ValidationError(gettext("Anda sudah lulus kuis ini; nilainya tetap tercatat."))
    if state.attempts_left == 0:
        raise ValidationError(exhausted_message(state.allowed or 0))
    if state.retry_at is not None:
        raise ValidationError(cooldown_message(state.retry_at))
    last = db.session.scalar(
        select(func.max(QuizAttempt.number)).where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz.id)
    )
    snapshot = snapshot_quiz(module, quiz)
    seed = secrets.randbelow(SEED_LIMIT)
    bank = [SnapQuestion.from_dict(q) for q in snapshot["questions"]]
    drawn = draw(bank, quiz.pick, random.Random(seed), _seen_counts(user_id, quiz.id))
    snapshot["questions"] = [q.to_dict() for q in drawn]
    attempt = QuizAttempt(
        user_id=user_id,
        quiz_id=quiz.id,
        module_id=module.id,
        number=(last or 0) + 1,
        seed=seed,
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
    """Keep her answers so far ("Simpan jawaban"); returns False when nothing was saved: a submitted attempt
    never changes, and one past its time limit is graded instead, on what she had saved by then.

    Raises ValidationError (400) for an option that is not in its question.
    """
    if attempt.is_submitted:
        return False
    if is_past(attempt.deadline_at, utcnow()):
        submit_attempt(attempt, None)
        return False
    attempt.answers = _cleaned(attempt, raw)
    attempt.saved_at = utcnow()
    db.session.flush()
    return True


def submit_attempt(attempt: QuizAttempt, raw: Mapping[str, Sequence[str]] | None) -> Completion | None:
    """Grade on the server against the attempt's snapshot (its draw only), once: a second submission
    changes nothing.

    Past the attempt's time limit the submitted answers are ignored: what she saved before the deadline is
    graded, as submitted at the deadline. Raises ValidationError for an option not in its question, or
    when her other submitted attempts already use up the attempts allowed. A passing grade completes the
    module if nothing else is missing; returns that new Completion, or None.
    """
    if attempt.is_submitted:
        return None
    max_attempts = int(attempt.setting("max_attempts", 0) or 0)
    if max_attempts:
        allowed = max_attempts + queries.granted_attempts(attempt.user_id, attempt.quiz_id)
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
        if used >= allowed:
            raise ValidationError(exhausted_message(allowed) + " " + gettext("Jawaban ini tidak dinilai."))
    now = utcnow()
    deadline = attempt.deadline_at
    if is_past(deadline, now):
        now = deadline
    elif raw is not None:
        attempt.answers = _cleaned(attempt, raw)
    result = grade(attempt.questions, attempt.answers or {}, attempt.passing_score)
    attempt.score = result.score
    attempt.passed = result.passed
    attempt.results = result.correct
    attempt.submitted_at = now
    db.session.flush()
    if not result.passed:
        return None
    module = db.session.get(Module, attempt.module_id)
    return try_complete(attempt.user_id, module)


def read_grant_form(quiz_id: str | None, extra: str | None) -> tuple[int, int]:
    """The quiz id and the number of extra attempts (1–10) as a grant form posts them (HR's person page
    and the trainers' page). Raises ValidationError, with what to do, for anything else."""
    quiz_number, extra_number = parse_id(quiz_id), bounded_int(extra, 1, 10)
    if quiz_number is None or extra_number is None:
        raise ValidationError("Pilih kuisnya dan isi jumlah kesempatan tambahan antara 1 dan 10.")
    return quiz_number, extra_number


def grant_attempts(learner: User, quiz: Quiz, extra: int, reason: str, actor: User) -> QuizAttemptGrant:
    """Give one learner ``extra`` (1–10) more attempts on one quiz, with a reason; written to the audit log.

    Who may grant is the caller's rule (HR within her scope, a trainer or an admin); nobody grants to
    herself (PermissionDenied). Raises ValidationError for a number out of range or an empty or
    over-long reason.
    """
    if learner.id == actor.id:
        # HR, trainers and admins take quizzes too: nobody raises her own attempt limit on a JP quiz.
        raise PermissionDenied(
            "Kesempatan tambahan tidak dapat diberikan kepada diri sendiri; mintalah kepada petugas lain."
        )
    if not 1 <= extra <= 10:
        raise ValidationError("Jumlah kesempatan tambahan harus antara 1 dan 10.")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("Tuliskan alasan pemberian kesempatan tambahan.")
    if len(reason) > 500:
        raise ValidationError("Alasan terlalu panjang (paling banyak 500 huruf).")
    grant = QuizAttemptGrant(
        user_id=learner.id, quiz_id=quiz.id, extra=extra, reason=reason, granted_by_id=actor.id, granted_at=utcnow()
    )
    db.session.add(grant)
    record_audit(
        actor,
        "quiz.attempts_granted",
        learner,
        f"{extra} kesempatan tambahan untuk kuis modul {quiz.module.title}: {reason}",
        quiz_id=quiz.id,
        module=quiz.module.slug,
        extra=extra,
        reason=reason,
    )
    db.session.flush()
    return grant


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


def personal_grants(user) -> list[dict]:
    """Extra quiz attempts granted to her, for the PDP export: when, which module, how many and why."""
    return [
        {
            "modul": grant.quiz.module.slug,
            "tambahan": grant.extra,
            "alasan": grant.reason,
            "diberikan": dates.local_iso(grant.granted_at),
        }
        for grant in queries.grants_to(user.id)
    ]


register_personal_data("kuis", personal_data)
register_personal_data("kesempatan_kuis_tambahan", personal_grants)
