"""What other domains show next to a completion (the certificate: its download, or why there is none),
without learning importing them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lms.learning.models import Completion


@dataclass(frozen=True)
class CompletionItem:
    """One thing shown beside a completion on the completion page, the module page, Beranda and Riwayat.

    With `url`, a link (`label`: "Unduh sertifikat (PDF)"). Without, a status there is nothing to open
    for: `status` is its short name, shown as a badge ("Dicabut"; `is_problem` marks it as bad news),
    and `label` says the rest in words ("Sertifikat dicabut pada 5 Desember 2026 · Data peserta salah.").
    """

    label: str
    url: str | None = None
    status: str | None = None
    is_problem: bool = False


#: Given completions, return {completion id: [item, ...]} — in a bounded number of queries.
CompletionLinks = Callable[[list[Completion]], Mapping[int, list[CompletionItem]]]
_PROVIDERS: list[CompletionLinks] = []


def register_completion_links(provider: CompletionLinks) -> CompletionLinks:
    """Add items to the completion page, the module page, Beranda and Riwayat (e.g. "Unduh sertifikat")."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def completion_links(completions: list[Completion]) -> dict[int, list[CompletionItem]]:
    links: dict[int, list[CompletionItem]] = {}
    if not completions:
        return links
    for provider in _PROVIDERS:
        for completion_id, items in provider(completions).items():
            links.setdefault(completion_id, []).extend(items)
    return links
