"""Quiz pages: the quiz and her attempts, one attempt's form (save part-way, submit) or its result; preview."""

from __future__ import annotations

import random
import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.accounts.models import ADMIN, KURATOR, PELATIH
from lms.accounts.nip import normalise_nip
from lms.authoring.services import draft_as_published
from lms.content.models import Module
from lms.content.parse import DEFAULT_REVEAL
from lms.database import utcnow
from lms.errors import NotFound, ValidationError
from lms.extensions import db
from lms.learning import queries as learning_queries
from lms.learning import services as learning_services
from lms.learning.links import completion_links
from lms.params import bounded_int
from lms.quizzes import queries, services
from lms.quizzes.grading import (
    KINDS,
    Grade,
    InvalidAnswer,
    SnapQuestion,
    clean_answers,
    draw,
    grade,
    is_past,
    ordered,
    reveals,
    topics_to_revisit,
)
from lms.security import role_required

quizzes = Blueprint("quizzes", __name__)

LATE_MESSAGE = _l(
    "Batas waktu kuis sudah lewat, sehingga jawaban yang baru dikirim tidak diterima. "
    "Yang dinilai adalah jawaban yang tersimpan sebelum batas waktu."
)


def _quiz_of(module: Module):
    quiz = queries.current_quiz(module.id)
    if quiz is None:
        raise NotFound("Modul ini tidak memiliki kuis.")
    return quiz


def _form_questions(questions: list[SnapQuestion]) -> list[dict]:
    """What the form shows: prompts and options, and nothing at all about which option is correct."""
    return [
        {
            "key": q.key,
            "kind": q.kind,
            "input_type": KINDS[q.kind].input_type,
            "prompt_html": q.prompt_html,
            "options": [{"key": o.key, "html": o.html} for o in q.options],
        }
        for q in questions
    ]


def _result_rows(
    questions: list[SnapQuestion], answers: dict, correct: dict, *, show_correct: bool, show_explanations: bool
) -> list[dict]:
    """One row per question for the result page; what is right or wrong, the right answers and the
    explanations are left out unless the quiz's settings reveal them (grading.reveals)."""
    rows = []
    for q in questions:
        answer = answers.get(q.key)
        if isinstance(answer, list):
            chosen = [o.html for o in q.options if o.key in answer]
        else:
            chosen = None
        rows.append(
            {
                "key": q.key,
                "prompt_html": q.prompt_html,
                "kind": q.kind,
                "group": q.group,
                "chosen_html": chosen,
                "text": answer if isinstance(answer, str) else None,
                "is_blank": KINDS[q.kind].is_blank(answer),
                "is_correct": bool(correct.get(q.key)) if show_correct else None,
                "right_html": [o.html for o in q.options if o.is_correct] if show_correct else [],
                "accepted": list(q.accepted) if show_correct else [],
                "explanation_html": q.explanation_html if show_explanations else "",
            }
        )
    return rows


def _result_page(module: Module, attempt, state, questions: list[SnapQuestion], *, preview: bool, **values):
    """The result of a submitted attempt (or a preview): score and topics to revisit always; per-question
    right/wrong, the right answers and explanations only as the quiz's show_* settings allow."""
    if preview:
        show_correct = show_explanations = True
    else:
        standing = {"has_passed": state.passed, "attempts_left": state.attempts_left}
        show_correct = reveals(attempt.setting("show_correct_answers", DEFAULT_REVEAL), **standing)
        show_explanations = reveals(attempt.setting("show_explanations", DEFAULT_REVEAL), **standing)
    correct = values.pop("correct")
    rows = _result_rows(
        questions, values.pop("answers"), correct, show_correct=show_correct, show_explanations=show_explanations
    )
    return render_template(
        "quizzes/result.html",
        module=module,
        attempt=attempt,
        state=state,
        rows=rows,
        right_count=sum(bool(correct.get(q.key)) for q in questions),
        topics=topics_to_revisit(questions, correct, each_shown=show_correct),
        show_correct=show_correct,
        show_explanations=show_explanations,
        show_review=show_correct or show_explanations,
        who_can_grant=services.WHO_CAN_GRANT,
        preview=preview,
        **values,
    )


def _raw_answers(questions: list[SnapQuestion]) -> dict[str, list[str]]:
    return {q.key: request.form.getlist(f"q-{q.key}") for q in questions if f"q-{q.key}" in request.form}


@quizzes.route("/modul/<slug>/kuis")
@login_required
def quiz(slug: str):
    """The quiz's introduction and rules, her attempts and what she can do next (or when, or who to ask)."""
    if learning_services.end_open_lesson(current_user.id):
        db.session.commit()  # the lesson she had open stops earning reading time here
    module = learning_queries.module_for_learner(slug, current_user.id)
    quiz = _quiz_of(module)
    state = queries.quiz_state(quiz, current_user.id)
    if services.close_overdue(state) is not None:
        db.session.commit()  # her open attempt ran out of time: graded on what she had saved
    return render_template(
        "quizzes/quiz.html",
        module=module,
        quiz=quiz,
        state=state,
        question_count=quiz.pick or module.question_count,
        exhausted_message=services.exhausted_message(state.allowed or 0),
        cooldown_message=services.cooldown_message(state.retry_at) if state.retry_at else "",
        preview=False,
    )


@quizzes.route("/modul/<slug>/kuis/mulai", methods=["POST"])
@login_required
def start(slug: str):
    module = learning_queries.module_for_learner(slug, current_user.id)
    attempt = services.start_attempt(current_user.id, module)
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@quizzes.route("/kuis/percobaan/<id:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """An open attempt as a form (same order on every reload), or a submitted one's result.

    An open attempt past its time limit is graded here, on what she saved by then."""
    if learning_services.end_open_lesson(current_user.id):
        db.session.commit()  # the lesson she had open stops earning reading time here
    attempt = queries.own_attempt(current_user.id, attempt_id)
    module = db.session.get(Module, attempt.module_id)
    questions = ordered(attempt.questions, attempt.seed, bool(attempt.setting("shuffle", True)))
    if not attempt.is_submitted and is_past(attempt.deadline_at, utcnow()):
        attempt = queries.own_attempt(current_user.id, attempt_id, for_update=True)
        services.submit_attempt(attempt, None)
        db.session.commit()
    if attempt.is_submitted:
        state = queries.quiz_state(attempt.quiz, current_user.id)
        completion = learning_queries.completion_of(current_user.id, module.id)
        return _result_page(
            module,
            attempt,
            state,
            questions,
            preview=False,
            title=attempt.setting("title"),
            score=attempt.score,
            passed=attempt.passed,
            passing_score=attempt.passing_score,
            answers=attempt.answers or {},
            correct=attempt.results or {},
            completion=completion,
            links=completion_links([completion]) if completion else {},
        )
    return render_template(
        "quizzes/attempt.html",
        module=module,
        attempt=attempt,
        title=attempt.setting("title"),
        intro_html=attempt.setting("intro_html", ""),
        passing_score=attempt.passing_score,
        deadline_at=attempt.deadline_at,
        questions=_form_questions(questions),
        answers=attempt.answers or {},
        action=url_for("quizzes.answer", attempt_id=attempt.id),
        preview=False,
    )


@quizzes.route("/kuis/percobaan/<id:attempt_id>", methods=["POST"])
@login_required
def answer(attempt_id: int):
    """ "Simpan jawaban" keeps her answers; "Kirim jawaban" grades them, once. Past the time limit
    neither takes the answers sent: what she saved before the deadline is graded."""
    attempt = queries.own_attempt(current_user.id, attempt_id, for_update=True)
    if attempt.is_submitted:
        if attempt.deadline_at is not None and attempt.submitted_at == attempt.deadline_at:
            flash(LATE_MESSAGE, "info")  # graded at its deadline (when she opened a page after it)
        else:
            flash(_("Jawaban percobaan ini sudah dikirim dan dinilai; hasilnya tidak berubah."), "info")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    late = is_past(attempt.deadline_at, utcnow())
    raw = _raw_answers(attempt.questions)
    if request.form.get("action") == "submit" or late:
        completion = services.submit_attempt(attempt, raw)
        db.session.commit()
        if late:
            flash(LATE_MESSAGE, "info")
        if completion is not None:
            flash(_("Selamat! Anda lulus kuis dan telah menyelesaikan modul ini."), "success")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    services.save_answers(attempt, raw)
    db.session.commit()
    flash(_("Jawaban Anda tersimpan. Anda dapat melanjutkan kapan saja."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id) + "#kirim")


@quizzes.route("/pelatih/kesempatan-kuis", methods=["GET", "POST"])
@role_required(PELATIH, ADMIN)
def grants():
    """A trainer or an admin finds a learner by NIP and gives her more attempts on a quiz, with a reason.

    Any trainer may grant on any module (modules have no owner yet); HR grants from the person page."""
    nip = normalise_nip(request.values.get("nip"))
    learner = queries.learner_by_nip(nip) if nip else None
    if request.method == "POST":
        if learner is None:
            raise NotFound("Pegawai dengan NIP itu tidak ditemukan.")
        quiz_id, extra = services.read_grant_form(request.form.get("quiz_id"), request.form.get("extra"))
        quiz = queries.quiz_by_id(quiz_id)
        services.grant_attempts(
            learner, quiz, extra, request.form.get("reason", ""), current_user._get_current_object()
        )
        db.session.commit()
        flash(_("Kesempatan tambahan sudah diberikan dan dicatat di log audit."), "success")
        return redirect(url_for("quizzes.grants", nip=learner.nip))
    if nip and learner is None:
        flash(_("Pegawai dengan NIP itu tidak ditemukan."), "error")
    return render_template(
        "quizzes/grants.html",
        nip=nip,
        learner=learner,
        standings=queries.quiz_standings(learner.id) if learner else [],
        action=url_for("quizzes.grants"),
    )


@quizzes.route("/pelatih/pratinjau/<slug>/kuis", methods=["GET", "POST"])
@role_required(PELATIH, ADMIN)
def preview(slug: str):
    """The quiz exactly as a learner sees it; a submission is graded and shown, and nothing is stored."""
    return _preview(slug, True)


@quizzes.route("/pelatih/modul/<slug>/pratinjau/kuis", methods=["GET", "POST"])
@role_required(PELATIH, KURATOR, ADMIN)
def preview_draft(slug: str):
    """The draft's quiz as a learner will see it once published: graded with the real code, nothing stored."""
    with draft_as_published(slug, current_user):
        html = _preview(slug, "draft")
    db.session.commit()  # the draft's media bytes, so its images load
    return html


def _preview(slug: str, preview: bool | str) -> str:
    module = learning_queries.module_by_slug(slug)
    quiz = _quiz_of(module)
    snapshot = services.snapshot_quiz(module, quiz)
    questions = [SnapQuestion.from_dict(q) for q in snapshot["questions"]]
    seed = bounded_int(request.values.get("seed"), 0, services.SEED_LIMIT - 1)
    if seed is None:
        seed = secrets.randbelow(services.SEED_LIMIT)
    questions = ordered(draw(questions, quiz.pick, random.Random(seed)), seed, quiz.shuffle)  # one draw, as hers
    if request.method == "POST":
        try:
            answers = clean_answers(questions, _raw_answers(questions))
        except InvalidAnswer as error:
            raise ValidationError(str(error)) from None
        result: Grade = grade(questions, answers, quiz.passing_score)
        return _result_page(
            module,
            None,
            None,
            questions,
            preview=preview,
            title=quiz.title,
            score=result.score,
            passed=result.passed,
            passing_score=quiz.passing_score,
            answers=answers,
            correct=result.correct,
            completion=None,
            links={},
        )
    return render_template(
        "quizzes/attempt.html",
        module=module,
        attempt=None,
        title=quiz.title,
        intro_html=quiz.intro_html,
        passing_score=quiz.passing_score,
        deadline_at=None,
        questions=_form_questions(questions),
        answers={},
        action=url_for("quizzes.preview_draft" if preview == "draft" else "quizzes.preview", slug=slug, seed=seed),
        preview=preview,
    )
