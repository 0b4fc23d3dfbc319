"""quiz.md settings of a quiz that tests (reveal, attempts, cooldown, time limit, draw per topic), and the
checker's `file:line: message` for each mistake; sync stores them on the quiz row."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.content.models import Question, Quiz
from tests.content.test_parse import assert_indonesian, assert_only, make_module, parse_ok
from tests.learning.helpers import make_module as make_synced_module

QUESTIONS = "".join(f"## Soal nomor {n}?\ngroup: {'Topik A' if n % 2 else 'Topik B'}\n= {n}\n" for n in range(1, 7))


def test_settings_are_read_from_the_front_matter(tmp_path: Path) -> None:
    front = (
        "---\nmax_attempts: 2\nretry_after_minutes: 60\ntime_limit_minutes: 20\nshow_explanations: always\n"
        "show_correct_answers: never\npick: 3\n---\n"
    )
    quiz = parse_ok(make_module(tmp_path, {"quiz.md": front + QUESTIONS})).quiz
    assert (quiz.max_attempts, quiz.retry_after_minutes, quiz.time_limit_minutes, quiz.pick) == (2, 60, 20, 3)
    assert (quiz.show_explanations, quiz.show_correct_answers) == ("always", "never")
    assert quiz.groups == ["Topik A", "Topik B"]
    assert [q.group for q in quiz.questions][:2] == ["Topik A", "Topik B"]
    # The group line is not part of the prompt (nor of the question's key).
    assert quiz.questions[0].prompt_md == "Soal nomor 1?"


def test_a_group_line_does_not_change_the_question_key(tmp_path: Path) -> None:
    with_group = parse_ok(make_module(tmp_path / "a", {"quiz.md": "## Soal?\ngroup: X\n= 1\n"})).quiz
    without = parse_ok(make_module(tmp_path / "b", {"quiz.md": "## Soal?\n= 1\n"})).quiz
    assert with_group.questions[0].key == without.questions[0].key


@pytest.mark.parametrize(
    ("front", "line", "fragment"),
    [
        ("show_explanations: sesudah", 2, "never, after_pass, after_last_attempt, always"),
        ("show_correct_answers: yes", 2, "show_correct_answers"),
        ("retry_after_minutes: -5", 2, "retry_after_minutes"),
        ("time_limit_minutes: 0", 2, "time_limit_minutes"),
        ("max_attempts: 1000", 2, "max_attempts"),
    ],
)
def test_setting_errors(tmp_path: Path, front: str, line: int, fragment: str) -> None:
    error = assert_only(
        make_module(tmp_path, {"quiz.md": f"---\n{front}\n---\n{QUESTIONS}"}), "quiz.md", line, fragment
    )
    assert_indonesian(error.message)


def test_pick_below_the_number_of_topics_is_an_error(tmp_path: Path) -> None:
    error = assert_only(
        make_module(tmp_path, {"quiz.md": f"---\npick: 1\n---\n{QUESTIONS}"}), "quiz.md", 2, "jumlah topik", "2"
    )
    assert_indonesian(error.message)


def test_an_empty_group_is_an_error(tmp_path: Path) -> None:
    error = assert_only(make_module(tmp_path, {"quiz.md": "## Soal?\ngroup:\n= 1\n"}), "quiz.md", 2, "group:")
    assert_indonesian(error.message)


def test_an_accepted_answer_of_only_punctuation_is_an_error(tmp_path: Path) -> None:
    assert_only(make_module(tmp_path, {"quiz.md": "## Soal?\n= 1\n= .\n"}), "quiz.md", 3, "jawaban singkat ini kosong")


def test_accepted_answers_that_normalise_alike_are_kept_once(tmp_path: Path) -> None:
    quiz = parse_ok(make_module(tmp_path, {"quiz.md": "## Soal?\n= Semarang\n= semarang.\n= Kota Semarang\n"})).quiz
    assert quiz.questions[0].accepted == ["Semarang", "Kota Semarang"]


def test_sync_stores_the_settings_on_the_quiz_row(db, tmp_path: Path) -> None:
    quiz_md = (
        "---\nmax_attempts: 2\nretry_after_minutes: 15\ntime_limit_minutes: 25\nshow_explanations: never\n"
        "show_correct_answers: after_last_attempt\npick: 3\n---\n" + QUESTIONS
    )
    module = make_synced_module(tmp_path, "berpengaturan", quiz=quiz_md)
    quiz = db.session.get(Quiz, module.quiz.id)
    assert (quiz.max_attempts, quiz.retry_after_minutes, quiz.time_limit_minutes, quiz.pick) == (2, 15, 25, 3)
    assert (quiz.show_explanations, quiz.show_correct_answers) == ("never", "after_last_attempt")
    assert {q.group_name for q in db.session.query(Question).filter_by(quiz_id=quiz.id)} == {"Topik A", "Topik B"}


def test_shipped_quizzes_state_a_credentials_settings_and_a_topic_for_every_question() -> None:
    """The shipped quizzes give JP: their settings are written out, and every question names its lesson."""
    from lms.content.parse import check_tree

    modules, errors = check_tree(Path(__file__).resolve().parents[2] / "content")
    assert errors == []
    for module in modules:
        quiz = module.quiz
        text = (Path(__file__).resolve().parents[2] / "content" / module.slug / "quiz.md").read_text()
        for key in ("max_attempts: 3", "retry_after_minutes: 30", "show_explanations: after_pass"):
            assert key in text, (module.slug, key)
        assert "show_correct_answers: after_pass" in text, module.slug
        assert all(q.group for q in quiz.questions), module.slug
        assert set(quiz.groups) <= {lesson.title for lesson in module.lessons}, module.slug
        assert len(quiz.groups) <= quiz.pick and len(quiz.questions) >= 2 * quiz.pick, module.slug
