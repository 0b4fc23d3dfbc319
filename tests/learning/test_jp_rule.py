"""The one JP rule (lms.learning.jp), pure: void completions earn nothing, a module counts once per WIB
year, and a module not repeatable for JP counts once ever."""

from __future__ import annotations

from datetime import UTC, datetime

from lms.learning.jp import COUNTED_BEFORE, SAME_YEAR, VOID, JpEntry, jp_exclusions

EVE_2359_WIB = datetime(2026, 12, 31, 16, 59, tzinfo=UTC)
NEW_YEAR_0030_WIB = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
MARCH_2027 = datetime(2027, 3, 2, 3, 0, tzinfo=UTC)
JUNE_2028 = datetime(2028, 6, 1, 3, 0, tzinfo=UTC)


def rule(*entries: JpEntry, repeatable: bool = True) -> dict[int, str | None]:
    return jp_exclusions(entries, repeatable=repeatable, zone="Asia/Jakarta")


def test_a_single_completion_counts():
    assert rule(JpEntry(1, MARCH_2027, is_void=False)) == {1: None}


def test_a_void_completion_does_not_count():
    assert rule(JpEntry(1, MARCH_2027, is_void=True)) == {1: VOID}


def test_a_module_counts_once_per_year():
    assert rule(JpEntry(1, NEW_YEAR_0030_WIB, False), JpEntry(2, MARCH_2027, False)) == {1: None, 2: SAME_YEAR}


def test_the_year_is_wib_00_30_on_1_january_is_the_new_year():
    """23:59 WIB on 31 December and 00:30 WIB on 1 January (still 31 December in UTC) are two years."""
    assert rule(JpEntry(1, EVE_2359_WIB, False), JpEntry(2, NEW_YEAR_0030_WIB, False)) == {1: None, 2: None}


def test_in_utc_the_two_would_be_one_year():
    """The same pair read in UTC falls in one year: the rule really reads the year at the office."""
    result = jp_exclusions(
        (JpEntry(1, EVE_2359_WIB, False), JpEntry(2, NEW_YEAR_0030_WIB, False)), repeatable=True, zone="UTC"
    )
    assert result == {1: None, 2: SAME_YEAR}


def test_a_voided_completion_leaves_its_year_to_the_next_one():
    assert rule(JpEntry(1, NEW_YEAR_0030_WIB, True), JpEntry(2, MARCH_2027, False)) == {1: VOID, 2: None}


def test_a_repeatable_module_counts_again_in_a_later_year():
    assert rule(JpEntry(1, MARCH_2027, False), JpEntry(2, JUNE_2028, False)) == {1: None, 2: None}


def test_a_module_not_repeatable_counts_once_ever():
    result = rule(JpEntry(1, MARCH_2027, False), JpEntry(2, JUNE_2028, False), repeatable=False)
    assert result == {1: None, 2: COUNTED_BEFORE}


def test_not_repeatable_but_the_first_was_void_so_the_second_counts():
    result = rule(JpEntry(1, MARCH_2027, True), JpEntry(2, JUNE_2028, False), repeatable=False)
    assert result == {1: VOID, 2: None}


def test_order_is_by_completion_time_not_by_input_order():
    result = rule(JpEntry(7, JUNE_2028, False), JpEntry(3, MARCH_2027, False), repeatable=False)
    assert result == {3: None, 7: COUNTED_BEFORE}
