"""Quiz pages: the quiz and her attempts, one attempt's form (save part-way, submit) or its result; preview."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.accounts.models import ADMIN, PELATIH
from lms.content.models import Module
from lms.errors import NotFound, ValidationError
from lms.extensions import db
from lms.learning import queries as learning_queries
from lms.learning.links import completion_links
from lms.params import bounded_int
from lms.quizzes import queries, services
from lms.quizzes.grading import KINDS, Grade, InvalidAnswer, SnapQuestion, clean_answers, grade, ordered
from lms.security import role_required

quizzes = Blueprint("quizzes", __name__)


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


def _result_rows(questions: list[SnapQuestion], answers: dict, correct: dict) -> list[dict]:
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
                "chosen_html": chosen,
                "text": answer if isinstance(answer, str) else None,
                "is_blank": KINDS[q.kind].is_blank(answer),
                "is_correct": bool(correct.get(q.key)),
                "explanation_html": q.explanation_html,
            }
        )
    return rows


def _raw_answers(questions: list[SnapQuestion]) -> dict[str, list[str]]:
    return {q.key: request.form.getlist(f"q-{q.key}") for q in questions if f"q-{q.key}" in request.form}


@quizzes.route("/modul/<slug>/kuis")
@login_required
def quiz(slug: str):
    """The quiz's introduction, her attempts and what she can do next."""
    module = learning_queries.module_for_learner(slug, current_user.id)
    quiz = _quiz_of(module)
    return render_template(
        "quizzes/quiz.html",
        module=module,
        quiz=quiz,
        state=queries.quiz_state(quiz, current_user.id),
        question_count=module.question_count,
        exhausted_message=services.exhausted_message(quiz.max_attempts),
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
    """An open attempt as a form (same order on every reload), or a submitted one's result."""
    attempt = queries.own_attempt(current_user.id, attempt_id)
    module = db.session.get(Module, attempt.module_id)
    questions = ordered(attempt.questions, attempt.seed, bool(attempt.setting("shuffle", True)))
    if attempt.is_submitted:
        state = queries.quiz_state(attempt.quiz, current_user.id)
        completion = learning_queries.completion_of(current_user.id, module.id)
        return render_template(
            "quizzes/result.html",
            module=module,
            attempt=attempt,
            title=attempt.setting("title"),
            score=attempt.score,
            passed=attempt.passed,
            passing_score=attempt.passing_score,
            rows=_result_rows(questions, attempt.answers or {}, attempt.results or {}),
            state=state,
            completion=completion,
            links=completion_links([completion]) if completion else {},
            preview=False,
        )
    return render_template(
        "quizzes/attempt.html",
        module=module,
        attempt=attempt,
        title=attempt.setting("title"),
        intro_html=attempt.setting("intro_html", ""),
        passing_score=attempt.passing_score,
        questions=_form_questions(questions),
        answers=attempt.answers or {},
        action=url_for("quizzes.answer", attempt_id=attempt.id),
        preview=False,
    )


@quizzes.route("/kuis/percobaan/<id:attempt_id>", methods=["POST"])
@login_required
def answer(attempt_id: int):
    """ "Simpan jawaban" keeps her answers; "Kirim jawaban" grades them, once."""
    attempt = queries.own_attempt(current_user.id, attempt_id, for_update=True)
    if attempt.is_submitted:
        flash(_("Jawaban percobaan ini sudah dikirim dan dinilai; hasilnya tidak berubah."), "info")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    raw = _raw_answers(attempt.questions)
    if request.form.get("action") == "submit":
        completion = services.submit_attempt(attempt, raw)
        db.session.commit()
        if completion is not None:
            flash(_("Selamat! Anda lulus kuis dan telah menyelesaikan modul ini."), "success")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    services.save_answers(attempt, raw)
    db.session.commit()
    flash(_("Jawaban Anda tersimpan. Anda dapat melanjutkan kapan saja."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id) + "#kirim")


@quizzes.route("/pelatih/pratinjau/<slug>/kuis", methods=["GET", "POST"])
@role_required(PELATIH, ADMIN)
def preview(slug: str):
    """The quiz exactly as a learner sees it; a submission is graded and shown, and nothing is stored."""
    module = learning_queries.module_by_slug(slug)
    quiz = _quiz_of(module)
    snapshot = services.snapshot_quiz(module, quiz)
    questions = [SnapQuestion.from_dict(q) for q in snapshot["questions"]]
    seed = bounded_int(request.values.get("seed"), 0, services.SEED_LIMIT - 1)
    if seed is None:
        seed = secrets.randbelow(services.SEED_LIMIT)
    questions = ordered(questions, seed, quiz.shuffle)
    if request.method == "POST":
        try:
            answers = clean_answers(questions, _raw_answers(questions))
        except InvalidAnswer as error:
            raise ValidationError(str(error)) from None
        result: Grade = grade(questions, answers, quiz.passing_score)
        return render_template(
            "quizzes/result.html",
            module=module,
            attempt=None,
            title=quiz.title,
            score=result.score,
            passed=result.passed,
            passing_score=quiz.passing_score,
            rows=_result_rows(questions, answers, result.correct),
            state=None,
            completion=None,
            links={},
            preview=True,
        )
    return render_template(
        "quizzes/attempt.html",
        module=module,
        attempt=None,
        title=quiz.title,
        intro_html=quiz.intro_html,
        passing_score=quiz.passing_score,
        questions=_form_questions(questions),
        answers={},
        action=url_for("quizzes.preview", slug=slug, seed=seed),
        preview=True,
    )
