"""The pure rules of a quiz that tests: when answers are revealed, how questions are drawn, the deadline,
and how short answers are compared (no Flask, no database)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from lms.content.parse import normalise_short_answer
from lms.quizzes.grading import (
    KINDS,
    SnapQuestion,
    deadline_of,
    draw,
    grade,
    is_past,
    reveals,
    topics_to_revisit,
)


@pytest.mark.parametrize(
    ("setting", "has_passed", "attempts_left", "shown"),
    [
        ("never", True, 0, False),
        ("always", False, 2, True),
        ("after_pass", False, 0, False),  # even with no attempt left: only passing reveals
        ("after_pass", False, None, False),
        ("after_pass", True, 1, True),
        ("after_last_attempt", False, 1, False),
        ("after_last_attempt", False, None, False),  # unlimited attempts are never "last"
        ("after_last_attempt", False, 0, True),
        ("after_last_attempt", True, 2, True),
        ("whatever", True, 0, False),
    ],
)
def test_reveal_decision(setting, has_passed, attempts_left, shown):
    assert reveals(setting, has_passed=has_passed, attempts_left=attempts_left) is shown


def bank(groups: dict[str, int]) -> list[SnapQuestion]:
    return [
        SnapQuestion(key=f"{group}-{n}", kind="short", prompt_html="<p>?</p>", accepted=("x",), group=group or None)
        for group, count in groups.items()
        for n in range(count)
    ]


def test_draw_takes_pick_questions_in_bank_order_and_all_without_pick():
    questions = bank({"": 10})
    drawn = draw(questions, 4, random.Random(1))
    assert len(drawn) == 4 and drawn == [q for q in questions if q in drawn]
    assert draw(questions, None, random.Random(1)) == questions
    assert draw(questions, 30, random.Random(1)) == questions


@pytest.mark.parametrize("seed", range(40))
def test_draw_represents_every_group(seed):
    questions = bank({"phishing": 6, "sandi": 1, "pdp": 2})
    drawn = draw(questions, 3, random.Random(seed))
    assert {q.group for q in drawn} == {"phishing", "sandi", "pdp"}


@pytest.mark.parametrize("seed", range(30))
def test_draw_prefers_questions_she_has_not_met_so_a_retry_differs(seed):
    questions = bank({"a": 5, "b": 5})
    first = draw(questions, 5, random.Random(seed))
    seen = {q.key: 1 for q in first}
    second = draw(questions, 5, random.Random(seed + 100), seen)
    assert not {q.key for q in first} & {q.key for q in second}
    assert {q.group for q in second} == {"a", "b"}


def test_draws_with_different_seeds_differ():
    questions = bank({"": 22})
    draws = {tuple(q.key for q in draw(questions, 10, random.Random(seed))) for seed in range(5)}
    assert len(draws) == 5


def test_topics_to_revisit_are_the_groups_of_wrong_questions():
    questions = bank({"a": 2, "b": 1, "": 1})
    correct = {"a-0": True, "a-1": False, "b-0": True, "-0": False}
    assert topics_to_revisit(questions, correct) == ["a"]


def test_deadline():
    start = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)  # 00.30 WIB
    assert deadline_of(start, None) is None and not is_past(None, start + timedelta(days=9))
    deadline = deadline_of(start, 20)
    assert deadline == start + timedelta(minutes=20)
    assert not is_past(deadline, deadline) and is_past(deadline, deadline + timedelta(seconds=1))


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("  Kota   SEMARANG ", "kota semarang"),
        ("Semarang.", "Semarang"),
        ("semarang!?", "Semarang"),
        ("ｓｅｍａｒａｎｇ", "Semarang"),  # full-width: NFKC
        ("Rp400 juta.", "Rp400 juta"),
        ("ﬁle", "file"),  # ligature: NFKC
    ],
)
def test_short_answers_are_normalised_before_comparing(typed, accepted):
    assert normalise_short_answer(typed) == normalise_short_answer(accepted)
    question = SnapQuestion(key="q", kind="short", prompt_html="", accepted=("lain", accepted))
    assert KINDS["short"].is_correct(question, typed)


def test_inner_punctuation_still_matters():
    question = SnapQuestion(key="q", kind="short", prompt_html="", accepted=("4",))
    assert not KINDS["short"].is_correct(question, "4.5") and KINDS["short"].is_correct(question, "4.")


def test_grading_ignores_answers_to_questions_outside_the_draw():
    drawn = bank({"": 2})
    result = grade(drawn, {"-0": "x", "-1": "x", "not-drawn": "x"}, 70)
    assert result.score == 100 and set(result.correct) == {"-0", "-1"}


def test_a_topic_she_has_fully_met_still_gets_a_question():
    """Every topic drawn comes before freshness: with one question on a topic, every draw repeats it."""
    questions = bank({"a": 1, "b": 9})
    first = draw(questions, 4, random.Random(1))
    second = draw(questions, 4, random.Random(2), {q.key: 1 for q in first})
    assert "a-0" in {q.key for q in first} and "a-0" in {q.key for q in second}


def test_topics_hidden_per_question_leave_out_a_topic_drawn_once():
    """Naming a topic the attempt drew one question from would say that question was wrong."""
    from lms.quizzes.grading import SnapQuestion, topics_to_revisit

    def q(key: str, group: str) -> SnapQuestion:
        return SnapQuestion(key=key, kind="short", prompt_html=key, explanation_html="", accepted=("x",), group=group)

    questions = [q("a", "Sendiri"), q("b", "Berdua"), q("c", "Berdua")]
    wrong_everywhere = {"a": False, "b": False, "c": True}
    assert topics_to_revisit(questions, wrong_everywhere) == ["Sendiri", "Berdua"]
    assert topics_to_revisit(questions, wrong_everywhere, each_shown=False) == ["Berdua"]
