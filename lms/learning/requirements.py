"""What completing a module takes beyond its lessons: a registry higher domains (quizzes) add to.

Learning must not import quizzes, yet completion needs "quiz passed". So a higher domain registers a
function at import time; learning asks every registered function about a (learner, module) pair when
it decides completion and when it shows the module page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.content.models import Module


@dataclass(frozen=True)
class RequirementStatus:
    """One requirement's state for one learner (or for a preview, with no learner).

    `rule` is a plain-words fragment that joins the completion rule ("lulus kuis dengan nilai
    minimal 70"); `score` is what a completion records (the quiz score); `next_endpoint` with
    `next_values` (for url_for) and `next_label` are the step that would meet it; `template` is a
    partial the module page includes, where it finds this status as `status`.
    """

    key: str
    rule: Any
    is_met: bool
    score: int | None = None
    next_endpoint: str | None = None
    next_values: Mapping[str, Any] = field(default_factory=dict)
    next_label: Any = None
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


Requirement = Callable[[int | None, Module], RequirementStatus | None]
_REQUIREMENTS: list[Requirement] = []


def register_completion_requirement(requirement: Requirement) -> Requirement:
    """Add a requirement; it returns None for modules it does not apply to. Usable as a decorator."""
    if requirement not in _REQUIREMENTS:
        _REQUIREMENTS.append(requirement)
    return requirement


def requirement_statuses(user_id: int | None, module: Module) -> list[RequirementStatus]:
    """The state of every requirement that applies to this module, for this learner (None: a preview)."""
    statuses = []
    for requirement in _REQUIREMENTS:
        status = requirement(user_id, module)
        if status is not None:
            statuses.append(status)
    return statuses


def next_step_url(statuses: list[RequirementStatus]) -> tuple[str, str] | None:
    """(url, label) of the first unmet requirement's next step, or None; needs a request context."""
    from flask import url_for

    for status in statuses:
        if not status.is_met and status.next_endpoint:
            return url_for(status.next_endpoint, **status.next_values), str(status.next_label or "")
    return None


def completion_rule(lesson_count: int, statuses: list[RequirementStatus]) -> str:
    """The rule in plain words: "Selesaikan 5 pelajaran dan lulus kuis dengan nilai minimal 70."."""
    parts = []
    if lesson_count:
        parts.append(ngettext("Selesaikan %(num)d pelajaran", "Selesaikan %(num)d pelajaran", lesson_count))
    parts.extend(str(status.rule) for status in statuses)
    if not parts:
        return ""
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " " + str(_l("dan")) + " " + parts[-1]
    return text[0].upper() + text[1:] + "."
