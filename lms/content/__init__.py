"""The trainers' Markdown format: parse (pure) → check → sync (database); render_markdown.

The public names below (`from lms.content import render_markdown`, as issue #3 named it) load their
module on first use, through the module-level `__getattr__` (PEP 562): importing the package, as every
request does for its models and views, must not load the Markdown, YAML and sanitiser libraries that
only rendering, checking and syncing content need.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and editors only; never runs
    from lms.content.parse import CheckError, check_tree, normalise_answer, parse_module, summarise
    from lms.content.render import render_markdown

#: Each public name and the module that defines it.
_PUBLIC = {
    "CheckError": "lms.content.parse",
    "check_tree": "lms.content.parse",
    "normalise_answer": "lms.content.parse",
    "parse_module": "lms.content.parse",
    "summarise": "lms.content.parse",
    "render_markdown": "lms.content.render",
}

__all__ = ["CheckError", "check_tree", "normalise_answer", "parse_module", "render_markdown", "summarise"]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
