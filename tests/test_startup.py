"""What a web worker loads: the app starts without the libraries only command lines use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND_LINE_ONLY = ["alembic", "flask_migrate", "markdown", "nh3", "yaml"]


def loaded_after(code: str, tmp_path: Path) -> dict[str, bool]:
    env = {
        **os.environ,
        "LMS_ENV": "development",
        "FLASK_DEBUG": "0",
        "SECRET_KEY": "startup-test-key-0123456789-abcdefghij",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'startup.sqlite'}",
    }
    probe = f"import json, sys\n{code}\nprint(json.dumps({{m: m in sys.modules for m in {COMMAND_LINE_ONLY!r}}}))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_web_app_starts_without_alembic_markdown_yaml_or_the_sanitiser(tmp_path):
    loaded = loaded_after("import wsgi", tmp_path)
    assert not any(loaded.values()), [name for name, is_loaded in loaded.items() if is_loaded]


def test_the_db_and_content_commands_still_load_what_they_need(tmp_path):
    loaded = loaded_after(
        "import wsgi\n"
        "runner = wsgi.app.test_cli_runner()\n"
        "assert runner.invoke(args=['db', 'upgrade']).exit_code == 0\n"
        "result = runner.invoke(args=['content', 'sync'])\n"
        "assert result.exit_code == 0, result.output",
        tmp_path,
    )
    assert all(loaded.values()), loaded
