"""Imports flow one way: accounts ← content ← authoring ← learning ← quizzes ← certificates ← hr."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LMS = Path(__file__).resolve().parents[2] / "lms"
ORDER = ("accounts", "content", "authoring", "learning", "quizzes", "certificates", "hr")


def imported_domains(package: str) -> set[str]:
    found: set[str] = set()
    for path in (LMS / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if len(parts) > 1 and parts[0] == "lms" and parts[1] in ORDER:
                    found.add(parts[1])
    return found


@pytest.mark.parametrize("package", ["content", "authoring"])
def test_a_domain_imports_no_higher_domain(package):
    if not (LMS / package).is_dir():
        pytest.skip(f"no lms/{package}")
    higher = set(ORDER[ORDER.index(package) + 1 :])
    assert not imported_domains(package) & higher
