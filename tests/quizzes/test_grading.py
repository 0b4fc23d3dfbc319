"""Grading is pure: plain data in, a grade out; each question kind is a small registered class."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lms.quizzes import grading
from lms.quizzes.grading import (
    KINDS,
    InvalidAnswer,
    QuestionKind,
    SnapOption,
    SnapQuestion,
    clean_answers,
    grade,
    ordered,
    register_kind,
)

SINGLE = SnapQuestion(
    key="q1",
    kind="single",
    prompt_html="<p>Ibu kota Jawa Tengah?</p>",
    explanation_html="<p>Semarang.</p>",
    options=(SnapOption("a", "Semarang", True), SnapOption("b", "Solo", False), SnapOption("c", "Kudus", False)),
)
MULTIPLE = SnapQuestion(
    key="q2",
    kind="multiple",
    prompt_html="<p>Pilar literasi digital?</p>",
    options=(SnapOption("x", "Cakap", True), SnapOption("y", "Etika", True), SnapOption("z", "Ekonomi", False)),
)
SHORT = SnapQuestion(key="q3", kind="short", prompt_html="<p>Kota?</p>", accepted=("kota semarang", "semarang"))


def test_three_kinds_are_registered_as_small_classes():
    assert set(KINDS) == {"single", "multiple", "short"}
    assert all(isinstance(kind, QuestionKind) for kind in KINDS.values())
    assert {k: v.input_type for k, v in KINDS.items()} == {"single": "radio", "multiple": "checkbox", "short": "text"}


def test_a_new_kind_is_one_class():
    @register_kind
    class TrueFalse(QuestionKind):
        name = "truefalse-test"
        input_type = "radio"

        def clean(self, question, number, values):
            return list(values)

        def is_correct(self, question, answer):
            return answer == ["benar"]

    try:
        question = SnapQuestion(key="t", kind="truefalse-test", prompt_html="")
        assert grade([question], {"t": ["benar"]}, 100).passed
    finally:
        KINDS.pop("truefalse-test")


@pytest.mark.parametrize(
    ("answer", "right"),
    [(["a"], True), (["b"], False), ([], False), (None, False), ("a", False)],
)
def test_single_choice(answer, right):
    assert KINDS["single"].is_correct(SINGLE, answer) is right


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        (["x", "y"], True),
        (["y", "x"], True),
        (["x"], False),  # a subset is wrong: all or nothing
        (["x", "y", "z"], False),  # a superset too
        (["z"], False),
        ([], False),
    ],
)
def test_multiple_choice_is_all_or_nothing(answer, right):
    assert KINDS["multiple"].is_correct(MULTIPLE, answer) is right


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        ("Semarang", True),
        ("  KOTA   semarang ", True),
        ("Kota\tSemarang", True),
        ("ｓｅｍａｒａｎｇ", True),  # full-width letters: NFKC
        ("Semarang.", True),  # trailing punctuation
        ("Semarang!?", True),
        ("Semarang Kota", False),
        ("", False),
        ("   ", False),
        (["semarang"], False),
    ],
)
def test_short_answer_is_normalised(answer, right):
    assert KINDS["short"].is_correct(SHORT, answer) is right


def test_clean_answers_keeps_only_questions_that_were_sent():
    raw = {"q1": ["a"], "q2": ["x", "y", "x"], "q3": ["  Semarang  "], "q-unknown": ["zzz"]}
    assert clean_answers([SINGLE, MULTIPLE, SHORT], raw) == {"q1": ["a"], "q2": ["x", "y"], "q3": "Semarang"}
    assert clean_answers([SINGLE, MULTIPLE, SHORT], {}) == {}
    assert clean_answers([SINGLE], {"q1": [""]}) == {"q1": []}


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ({"q1": ["zzz"]}, 1),
        ({"q1": ["x"]}, 1),  # an option of another question
        ({"q2": ["a"]}, 2),
        ({"q1": ["a", "b"]}, 1),  # two choices for a single-choice question
        ({"q3": ["satu", "dua"]}, 3),
        ({"q3": ["x" * 501]}, 3),
    ],
)
def test_an_answer_no_honest_form_sends_is_refused_naming_the_question(raw, number):
    with pytest.raises(InvalidAnswer) as error:
        clean_answers([SINGLE, MULTIPLE, SHORT], raw)
    assert f"nomor {number}" in str(error.value)


def test_grade_scores_in_percent_rounded_down_and_unanswered_is_wrong():
    result = grade([SINGLE, MULTIPLE, SHORT], {"q1": ["a"], "q3": "semarang"}, passing_score=67)
    assert result.correct == {"q1": True, "q2": False, "q3": True}
    assert result.correct_count == 2
    assert result.score == 66  # 2/3 = 66.7 %: below 67, and the score says so
    assert result.passed is False
    assert grade([SINGLE, MULTIPLE, SHORT], {"q1": ["a"], "q3": "semarang"}, passing_score=66).passed


def test_passing_score_boundary_is_inclusive():
    questions = [
        SnapQuestion(key=f"k{i}", kind="single", prompt_html="", options=(SnapOption("o", "", True),))
        for i in range(10)
    ]
    seven = {f"k{i}": ["o"] for i in range(7)}
    assert grade(questions, seven, 70) == grade(questions, seven, 70)
    assert grade(questions, seven, 70).score == 70 and grade(questions, seven, 70).passed
    assert not grade(questions, seven, 71).passed
    assert grade(questions, {}, 0).passed  # a pass mark of 0 passes anyone who submits
    assert grade([], {}, 70).score == 100


def test_order_is_fixed_by_the_seed():
    questions = [
        SnapQuestion(
            key=f"q{i}", kind="single", prompt_html="", options=tuple(SnapOption(f"o{j}", "", j == 0) for j in range(5))
        )
        for i in range(12)
    ]
    first = ordered(questions, 1234, True)
    assert ordered(questions, 1234, True) == first  # a reload shows the same order
    assert [q.key for q in first] != [q.key for q in questions]
    assert any([o.key for o in q.options] != [f"o{j}" for j in range(5)] for q in first)
    assert [q.key for q in ordered(questions, 99, True)] != [q.key for q in first]
    assert ordered(questions, 1234, False) == questions
    # Shuffling never changes what is right.
    answers = {q.key: ["o0"] for q in questions}
    assert grade(first, answers, 100).passed


def test_snapshot_round_trip():
    for question in (SINGLE, MULTIPLE, SHORT):
        assert SnapQuestion.from_dict(question.to_dict()) == question


def test_grading_module_is_pure():
    """No Flask, no database: grading.py imports only the standard library and the pure parser."""
    tree = ast.parse(Path(grading.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported <= {
        "__future__",
        "random",
        "collections.abc",
        "dataclasses",
        "datetime",
        "typing",
        "lms.content.parse",
    }
