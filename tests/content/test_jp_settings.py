"""`jp_repeatable` in module.md: optional, true or false (default true), checked with its line, stored at sync."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from lms.content.models import Module
from lms.content.parse import check_tree
from lms.content.services import sync_modules
from tests.content.test_parse import MODULE_MD, assert_only, make_module, parse_ok


def test_jp_repeatable_defaults_to_true(tmp_path: Path) -> None:
    assert parse_ok(make_module(tmp_path)).jp_repeatable is True


def test_jp_repeatable_false_is_read(tmp_path: Path) -> None:
    module_md = MODULE_MD.replace("jp: 1\n", "jp: 1\ncertificate_valid_months: 12\njp_repeatable: false\n")
    module = parse_ok(make_module(tmp_path, {"module.md": module_md}))
    assert (module.jp_repeatable, module.certificate_valid_months) == (False, 12)


def test_jp_repeatable_that_is_not_true_or_false_is_an_error_on_its_line(tmp_path: Path) -> None:
    module_md = MODULE_MD.replace("jp: 1\n", "jp: 1\njp_repeatable: tidak\n")
    assert_only(make_module(tmp_path, {"module.md": module_md}), "module.md", 5, "'jp_repeatable'", "true atau false")


def test_sync_stores_jp_repeatable(db, tmp_path: Path) -> None:
    module_md = MODULE_MD.replace("jp: 1\n", "jp: 1\njp_repeatable: false\n")
    make_module(tmp_path, {"module.md": module_md})
    parsed, errors = check_tree(tmp_path)
    assert not errors
    sync_modules(parsed, archive_missing=False)
    db.session.commit()
    assert db.session.scalar(select(Module.jp_repeatable).where(Module.slug == "literasi-digital")) is False
