"""`lms.content`'s public names import, and importing the package still loads none of their libraries.

Issue #3 named `lms.content:render_markdown` as the one renderer; the package loads it on first use
(PEP 562 `__getattr__`), so the web workers that import `lms.content` for its models stay light. The
check runs in a fresh interpreter, since this test process has long imported the libraries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = ("markdown", "nh3", "yaml")

SCRIPT = f"""
import json, sys

libraries = {LIBRARIES!r}

def loaded():
    return sorted(name for name in libraries if name in sys.modules)

import lms.content
import lms.content.models
at_import = loaded()

from lms.content import render_markdown
import lms.content.render

assert render_markdown is lms.content.render.render_markdown
html = render_markdown("**tebal** <script>alert(1)</script>")
print(json.dumps({{"at_import": at_import, "after_use": loaded(), "html": html}}))
"""


def test_render_markdown_imports_from_the_package_without_loading_the_libraries_at_import() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env={**os.environ, "LMS_ENV": "testing"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["at_import"] == [], f"loaded by 'import lms.content': {report['at_import']}"
    assert {"markdown", "nh3"} <= set(report["after_use"])
    assert "<strong>tebal</strong>" in report["html"] and "<script" not in report["html"]


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("render_markdown", "lms.content.render"),
        ("CheckError", "lms.content.parse"),
        ("check_tree", "lms.content.parse"),
        ("normalise_answer", "lms.content.parse"),
        ("parse_module", "lms.content.parse"),
        ("summarise", "lms.content.parse"),
    ],
)
def test_every_public_name_is_the_one_its_module_defines(name: str, module: str) -> None:
    import importlib

    import lms.content

    assert getattr(lms.content, name) is getattr(importlib.import_module(module), name)
    assert name in lms.content.__all__ and name in dir(lms.content)


def test_an_unknown_name_is_an_attribute_error_and_submodules_still_import() -> None:
    import lms.content

    with pytest.raises(AttributeError, match="no attribute 'render_markdwon'"):
        lms.content.render_markdwon  # noqa: B018 - the look-up is the test
    from lms.content import parse, services

    assert parse.__name__ == "lms.content.parse" and services.__name__ == "lms.content.services"


def test_all_lists_exactly_the_lazily_loaded_names() -> None:
    import lms.content

    assert sorted(lms.content.__all__) == sorted(lms.content._PUBLIC)
