"""What higher domains put on the learner's pages without learning importing them — sections of her
Beranda (her mandatory modules, first) and notices on a module's page ("Wajib, tenggat 30 Juni 2027") —
each registered as a function at wiring time (lms/__init__.py register_receivers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lms.accounts.models import User


@dataclass(frozen=True)
class HomeSection:
    """A template (included in Beranda, above everything else) and what it reads, as `section.context`."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


#: Given the learner, her section, or None when there is nothing to show — in a bounded number of queries.
SectionProvider = Callable[[User], HomeSection | None]
_PROVIDERS: list[SectionProvider] = []


def register_home_section(provider: SectionProvider) -> SectionProvider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def home_sections(user: User) -> list[HomeSection]:
    """The sections to show her, in the order they were registered."""
    return [section for provider in _PROVIDERS if (section := provider(user)) is not None]


@dataclass(frozen=True)
class ModuleNotice:
    """A line under a module's title, for her: `label` in words ("Wajib, tenggat 30 Juni 2027"), after a
    short `badge` ("Terlambat") of class `css` when there is one."""

    label: str
    badge: str | None = None
    css: str = "badge-new"


#: Given her id and the module, its notice, or None — one query at most.
NoticeProvider = Callable[[int, Any], ModuleNotice | None]
_NOTICES: list[NoticeProvider] = []


def register_module_notice(provider: NoticeProvider) -> NoticeProvider:
    if provider not in _NOTICES:
        _NOTICES.append(provider)
    return provider


def module_notices(user_id: int, module) -> list[ModuleNotice]:
    return [notice for provider in _NOTICES if (notice := provider(user_id, module)) is not None]
