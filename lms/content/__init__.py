"""The trainers' Markdown format: parse (pure) → check → sync (database); render_markdown."""

from lms.content.parse import CheckError, check_tree, normalise_answer, parse_module, summarise
from lms.content.render import render_markdown

__all__ = ["CheckError", "check_tree", "normalise_answer", "parse_module", "render_markdown", "summarise"]
