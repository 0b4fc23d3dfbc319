"""Links other domains show next to a completion (the certificate download), without learning importing them."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lms.learning.models import Completion

#: Given completions, return {completion id: [(label, url), ...]} — in a bounded number of queries.
CompletionLinks = Callable[[list[Completion]], Mapping[int, list[tuple[str, str]]]]
_PROVIDERS: list[CompletionLinks] = []


def register_completion_links(provider: CompletionLinks) -> CompletionLinks:
    """Add links to the completion page, the module page and Riwayat (e.g. "Unduh sertifikat")."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def completion_links(completions: list[Completion]) -> dict[int, list[tuple[str, str]]]:
    links: dict[int, list[tuple[str, str]]] = {}
    if not completions:
        return links
    for provider in _PROVIDERS:
        for completion_id, items in provider(completions).items():
            links.setdefault(completion_id, []).extend(items)
    return links
