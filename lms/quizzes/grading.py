"""Grading a quiz attempt: pure functions over plain data (no Flask, no database).

Question kinds are a registry of small classes (CTFd's challenge types, in miniature): each knows how to
clean the raw form values for its question and whether an answer is right. A new kind is one class with
`@register_kind`; nothing else changes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar

from lms.content.parse import normalise_short_answer

MAX_SHORT_ANSWER = 500

Answer = list[str] | str  # chosen option keys, or the typed short answer


class InvalidAnswer(ValueError):
    """A submitted value that no honest form could send (an option that is not in the question)."""


@dataclass(frozen=True)
class SnapOption:
    key: str
    html: str
    is_correct: bool


@dataclass(frozen=True)
class SnapQuestion:
    """A question as it was when the attempt started: the attempt grades against this, forever."""

    key: str
    kind: str
    prompt_html: str
    explanation_html: str = ""
    options: tuple[SnapOption, ...] = ()
    accepted: tuple[str, ...] = ()
    group: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "prompt_html": self.prompt_html,
            "explanation_html": self.explanation_html,
            "options": [{"key": o.key, "html": o.html, "is_correct": o.is_correct} for o in self.options],
            "accepted": list(self.accepted),
            "group": self.group,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SnapQuestion:
        return cls(
            key=data["key"],
            kind=data["kind"],
            prompt_html=data["prompt_html"],
            explanation_html=data.get("explanation_html", ""),
            options=tuple(SnapOption(o["key"], o["html"], bool(o["is_correct"])) for o in data.get("options", ())),
            accepted=tuple(data.get("accepted", ())),
            group=data.get("group"),
        )

    @property
    def option_keys(self) -> frozenset[str]:
        return frozenset(o.key for o in self.options)


@dataclass(frozen=True)
class Grade:
    score: int  # percent, rounded down: passing means score >= passing_score exactly when the fraction is
    passed: bool
    correct: dict[str, bool] = field(default_factory=dict)

    @property
    def correct_count(self) -> int:
        return sum(self.correct.values())


class QuestionKind:
    """One kind of question: cleans raw form values and says whether an answer is right."""

    name: ClassVar[str]
    input_type: ClassVar[str]

    def clean(self, question: SnapQuestion, number: int, values: Sequence[str]) -> Answer:
        raise NotImplementedError

    def is_correct(self, question: SnapQuestion, answer: Answer | None) -> bool:
        raise NotImplementedError

    def is_blank(self, answer: Answer | None) -> bool:
        return not answer


KINDS: dict[str, QuestionKind] = {}


def register_kind(cls: type[QuestionKind]) -> type[QuestionKind]:
    KINDS[cls.name] = cls()
    return cls


def kind_of(question: SnapQuestion) -> QuestionKind:
    try:
        return KINDS[question.kind]
    except KeyError:
        raise ValueError(f"unknown question kind {question.kind!r}") from None


def _chosen(question: SnapQuestion, number: int, values: Sequence[str]) -> list[str]:
    chosen = []
    for value in values:
        if value == "":
            continue
        if value not in question.option_keys:
            raise InvalidAnswer(
                f"Jawaban untuk soal nomor {number} bukan salah satu pilihan soal itu. "
                "Muat ulang halaman kuis lalu pilih lagi."
            )
        if value not in chosen:
            chosen.append(value)
    return chosen


@register_kind
class SingleChoice(QuestionKind):
    """Exactly one correct option; one choice allowed."""

    name = "single"
    input_type = "radio"

    def clean(self, question: SnapQuestion, number: int, values: Sequence[str]) -> Answer:
        chosen = _chosen(question, number, values)
        if len(chosen) > 1:
            raise InvalidAnswer(f"Soal nomor {number} hanya menerima satu pilihan jawaban.")
        return chosen

    def is_correct(self, question: SnapQuestion, answer: Answer | None) -> bool:
        correct = [o.key for o in question.options if o.is_correct]
        return isinstance(answer, list) and len(answer) == 1 and answer == correct[:1]


@register_kind
class MultipleChoice(QuestionKind):
    """Two or more correct options; right only when exactly the correct set is chosen (all or nothing)."""

    name = "multiple"
    input_type = "checkbox"

    def clean(self, question: SnapQuestion, number: int, values: Sequence[str]) -> Answer:
        return _chosen(question, number, values)

    def is_correct(self, question: SnapQuestion, answer: Answer | None) -> bool:
        correct = {o.key for o in question.options if o.is_correct}
        return isinstance(answer, list) and set(answer) == correct


@register_kind
class ShortAnswer(QuestionKind):
    """A typed answer; right when it matches any accepted answer after ``normalise_short_answer`` (NFKC,
    case, surrounding and repeated spaces, trailing punctuation)."""

    name = "short"
    input_type = "text"

    def clean(self, question: SnapQuestion, number: int, values: Sequence[str]) -> Answer:
        if len(values) > 1:
            raise InvalidAnswer(f"Soal nomor {number} hanya menerima satu jawaban.")
        text = values[0] if values else ""
        if len(text) > MAX_SHORT_ANSWER:
            raise InvalidAnswer(
                f"Jawaban soal nomor {number} terlalu panjang (paling banyak {MAX_SHORT_ANSWER} huruf)."
            )
        return text.strip()

    def is_correct(self, question: SnapQuestion, answer: Answer | None) -> bool:
        if not isinstance(answer, str) or not answer.strip():
            return False
        accepted = {normalise_short_answer(a) for a in question.accepted}
        return normalise_short_answer(answer) in accepted


def clean_answers(questions: Sequence[SnapQuestion], raw: Mapping[str, Sequence[str]]) -> dict[str, Answer]:
    """Raw form values per question key → answers; raises InvalidAnswer naming the question's number.

    Questions without any value are left out (unanswered); keys that are not questions are ignored.
    """
    answers: dict[str, Answer] = {}
    for number, question in enumerate(questions, start=1):
        values = raw.get(question.key)
        if values is None:
            continue
        answers[question.key] = kind_of(question).clean(question, number, list(values))
    return answers


def grade(questions: Sequence[SnapQuestion], answers: Mapping[str, Answer], passing_score: int) -> Grade:
    """Score in percent (rounded down) and pass/fail; an unanswered question is wrong."""
    correct = {q.key: kind_of(q).is_correct(q, answers.get(q.key)) for q in questions}
    total = len(questions)
    score = 100 if total == 0 else sum(correct.values()) * 100 // total
    return Grade(score=score, passed=score >= passing_score, correct=correct)


def ordered(questions: Iterable[SnapQuestion], seed: int, shuffle: bool) -> list[SnapQuestion]:
    """The order one attempt shows: questions and their options shuffled by the attempt's seed, so a
    reload (or another device) shows the same order; unshuffled when the quiz says so."""
    items = list(questions)
    if not shuffle:
        return items
    rng = random.Random(seed)
    rng.shuffle(items)
    result = []
    for question in items:
        options = list(question.options)
        random.Random(f"{seed}:{question.key}").shuffle(options)
        result.append(
            SnapQuestion(
                key=question.key,
                kind=question.kind,
                prompt_html=question.prompt_html,
                explanation_html=question.explanation_html,
                options=tuple(options),
                accepted=question.accepted,
                group=question.group,
            )
        )
    return result


# --- what a learner may see after submitting ---------------------------------------------------------

REVEAL_SETTINGS = ("never", "after_pass", "after_last_attempt", "always")


def reveals(setting: str, *, has_passed: bool, attempts_left: int | None) -> bool:
    """Whether a submitted attempt's result may show what ``setting`` guards (explanations, right answers).

    ``never``: never; ``always``: always; ``after_pass``: once she passed the quiz (any attempt);
    ``after_last_attempt``: once she passed or has no attempt left (``attempts_left`` 0; None is
    unlimited, so never "last"). An unknown setting reveals nothing.
    """
    if setting == "always":
        return True
    if setting == "after_pass":
        return has_passed
    if setting == "after_last_attempt":
        return has_passed or attempts_left == 0
    return False


def topics_to_revisit(
    questions: Sequence[SnapQuestion], correct: Mapping[str, bool], *, each_shown: bool = True
) -> list[str]:
    """The topics (``group:``) of the questions she got wrong, in the order they first appear.

    When the quiz does not show her which questions were right (``each_shown`` False), a topic the attempt
    drew a single question from is left out: naming it would say that this one question was wrong."""
    drawn: dict[str, int] = {}
    for q in questions:
        if q.group:
            drawn[q.group] = drawn.get(q.group, 0) + 1
    return list(
        dict.fromkeys(
            q.group for q in questions if q.group and not correct.get(q.key) and (each_shown or drawn[q.group] >= 2)
        )
    )


# --- drawing the questions of one attempt ------------------------------------------------------------


def draw(
    questions: Sequence[SnapQuestion], pick: int | None, rng: random.Random, seen: Mapping[str, int] | None = None
) -> list[SnapQuestion]:
    """The questions one attempt holds, in bank order: ``pick`` of them, or all when pick is None or larger.

    Every topic (``group:``) is represented by at least one question (the checker keeps pick at least the
    number of topics); the remaining places go to the rest of the bank. Within each choice the questions
    she has met least often (``seen``: key → attempts that held it) come first, ties broken by ``rng``,
    so with a bank at least twice ``pick`` a retry meets none of her previous attempt's questions, except
    where a topic has no question left that she has not met: representing the topic comes first.
    """
    items = list(questions)
    if pick is None or pick >= len(items):
        return items
    seen = seen or {}
    order = {q.key: (seen.get(q.key, 0), rng.random()) for q in items}
    chosen: list[str] = []
    groups = list(dict.fromkeys(q.group for q in items if q.group))
    for group in groups:
        if len(chosen) >= pick:
            break
        members = [q for q in items if q.group == group]
        chosen.append(min(members, key=lambda q: order[q.key]).key)
    rest = sorted((q for q in items if q.key not in chosen), key=lambda q: order[q.key])
    chosen.extend(q.key for q in rest[: pick - len(chosen)])
    keep = set(chosen)
    return [q for q in items if q.key in keep]


# --- time limit ---------------------------------------------------------------------------------


def deadline_of(started_at, time_limit_minutes: int | None):
    """When an attempt must be in: started_at + the limit, or None without a limit."""
    if not time_limit_minutes:
        return None
    return started_at + timedelta(minutes=time_limit_minutes)


def is_past(deadline, now) -> bool:
    """A save or a submission at ``now`` comes too late; exactly at the deadline still counts."""
    return deadline is not None and now > deadline
