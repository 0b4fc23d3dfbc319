"""docs/cli.md documents every `flask` command a newcomer or an operator can run, so it stays complete.

Every command `flask --help` lists (Lentera's, Flask's, Flask-Migrate's, Flask-Limiter's, and their
subcommands) is named on the page; each of Lentera's own commands has a section of its own that names
every argument and option it takes.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from flask.cli import FlaskGroup, ScriptInfo

from config import TestingConfig
from lms import create_app
from lms.extensions import db

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def registered_commands() -> list[tuple[str, click.Command]]:
    """(`flask users import`, command) for every command and subcommand, as the `flask` script sees them."""
    app = create_app(type("CliDocsConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    group = FlaskGroup(create_app=lambda: app)
    found: list[tuple[str, click.Command]] = []

    def walk(command: click.Group, ctx: click.Context, path: str) -> None:
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None:
                continue
            found.append((f"{path} {name}", sub))
            if isinstance(sub, click.Group):
                walk(sub, click.Context(sub, info_name=name, parent=ctx), f"{path} {name}")

    # FlaskGroup pushes an app context onto the click context; closing it pops that context again, so
    # nothing of this app is left current for the tests that run after collection.
    with click.Context(group, info_name="flask", obj=ScriptInfo(create_app=lambda: app)) as ctx:
        walk(group, ctx, "flask")
    with app.app_context():
        db.engine.dispose()
    return found


COMMANDS = registered_commands()
OWN = [(path, command) for path, command in COMMANDS if (command.callback or object).__module__.startswith("lms")]


def section(doc: str, path: str) -> str:
    """The text under the heading "### `flask …`" of this command, up to the next heading."""
    match = re.search(rf"^###+ `{re.escape(path)}`\n(.*?)(?=^#)", doc + "\n#", re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def test_the_commands_the_newcomer_needs_are_all_found():
    paths = {path for path, _ in COMMANDS}
    assert {"flask setup", "flask users create-admin", "flask db upgrade", "flask content sync"} <= paths
    assert {"flask setup", "flask users create-admin", "flask backup"} <= {path for path, _ in OWN}


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS])
def test_every_command_is_named_in_docs_cli(path):
    assert f"`{path}" in DOC.read_text(encoding="utf-8"), f"{path} is missing from docs/cli.md"


@pytest.mark.parametrize(("path", "command"), OWN, ids=[path for path, _ in OWN])
def test_every_lentera_command_has_a_section_naming_its_arguments_and_options(path, command):
    text = section(DOC.read_text(encoding="utf-8"), path)
    if isinstance(command, click.Group):
        return  # a group is documented by its subcommands
    assert text, f"docs/cli.md has no section headed ### `{path}`"
    for parameter in command.params:
        if parameter.name == "help":
            continue
        if isinstance(parameter, click.Argument):
            names = [parameter.human_readable_name]
        else:
            names = [opt for opt in parameter.opts if opt.startswith("--")]
        assert any(name in text for name in names), f"{path}: {names} is not described in its section"


def test_the_readme_links_to_the_command_line_page():
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "docs/cli.md" in readme


def test_listing_the_commands_leaves_no_app_context_behind():
    from flask import has_app_context

    registered_commands()
    assert not has_app_context()  # a leaked context would be every later test's current_app
