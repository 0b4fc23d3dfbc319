"""Sections higher domains put on the learner's Beranda (her mandatory modules, first), without learning
importing them: each registers a function at wiring time (lms/__init__.py register_receivers)."""

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
