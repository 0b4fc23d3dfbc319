"""Imports flow one way: core ← accounts ← external ← content ← learning ← quizzes ← certificates ← assignments ← hr
← the factory.

A lower domain never imports a higher one (it emits a signal instead), and nothing but the factory
imports the HR desk. Checked on the source text of every module of every domain package.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import lms

ORDER = ["accounts", "external", "content", "learning", "quizzes", "certificates", "assignments", "hr"]
ROOT = Path(lms.__file__).parent
IMPORT = re.compile(r"^\s*(?:from|import)\s+lms\.(\w+)", re.MULTILINE)


def imported_domains(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        found[path.relative_to(ROOT).as_posix()] = set(IMPORT.findall(path.read_text()))
    return found


@pytest.mark.parametrize("package", ORDER)
def test_a_domain_imports_only_core_and_lower_domains(package):
    higher = set(ORDER[ORDER.index(package) + 1 :])
    for path, domains in imported_domains(package).items():
        assert not domains & higher, f"{path} imports {sorted(domains & higher)}, which sits above {package}"


def test_nothing_but_the_factory_imports_the_hr_desk():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("hr/") or relative == "__init__.py":
            continue
        assert "hr" not in IMPORT.findall(path.read_text()), f"{relative} imports the HR desk"


def test_the_check_sees_an_upward_import():
    """The regular expression really finds imports (so the tests above can fail)."""
    assert IMPORT.findall("from lms.hr import queries\nimport lms.certificates.models\n") == ["hr", "certificates"]
