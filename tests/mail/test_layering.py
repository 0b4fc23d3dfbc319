"""lms.mail is a low-level package: accounts and every domain above import it, it imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

MAIL = Path(__file__).resolve().parents[2] / "lms" / "mail"
CORE = {"lms.extensions", "lms.database", "lms.dates", "lms.errors", "lms.urls", "lms.i18n"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_lms_mail_imports_only_the_core():
    found = {
        f"{path.name}: {name}"
        for path in sorted(MAIL.glob("*.py"))
        for name in imported_modules(path)
        if (name == "lms" or name.startswith("lms.")) and name not in CORE and not name.startswith("lms.mail")
    }
    assert not found, sorted(found)
