"""Time on task, pure: how much of an interval between her requests counts as reading, and when a lesson
may be marked done. No database, no Flask; the services feed it timestamps and settings.

The server sees only her requests. Opening a lesson starts an interval; her next lesson request (another
lesson, the same one again, "Tandai selesai") ends it, and the interval is credited to the lesson that
was open, within two bounds so an open tab earns little or nothing:

- at most twice the lesson's expected minutes, and at most `max_interval_minutes` (a hard cap);
- nothing at all when it is longer than `idle_minutes` (her session would have ended: she was away),
  or negative (two app servers whose clocks disagree).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TimeRule:
    """The settings of the rule: LMS_MIN_TIME_SHARE, LMS_TIME_MAX_INTERVAL_MINUTES, LMS_IDLE_MINUTES."""

    min_share: float = 0.5
    max_interval_minutes: int = 30
    idle_minutes: int = 120

    @classmethod
    def from_config(cls, config) -> TimeRule:
        return cls(
            min_share=max(0.0, float(config["MIN_TIME_SHARE"])),
            max_interval_minutes=max(1, int(config["TIME_MAX_INTERVAL_MINUTES"])),
            idle_minutes=max(1, int(config["IDLE_MINUTES"])),
        )

    def interval_cap(self, expected_minutes: int | None) -> int:
        """The most one interval on this lesson can earn, in seconds."""
        cap = self.max_interval_minutes * 60
        if expected_minutes:
            cap = min(cap, 2 * expected_minutes * 60)
        return cap

    def credit(self, opened_at: datetime, now: datetime, expected_minutes: int | None) -> int:
        """Seconds credited for the interval from opening the lesson to her next request."""
        elapsed = (now - opened_at).total_seconds()
        if elapsed <= 0 or elapsed > self.idle_minutes * 60:
            return 0
        return int(min(elapsed, self.interval_cap(expected_minutes)))

    def required_seconds(self, expected_minutes: int | None) -> int:
        """Reading time "Tandai selesai" needs: the share of the expected minutes, in whole minutes."""
        return math.ceil(self.min_share * (expected_minutes or 0)) * 60

    def is_enough(self, seconds: int, expected_minutes: int | None) -> bool:
        return seconds >= self.required_seconds(expected_minutes)


def whole_minutes(seconds: int | None) -> int:
    """Seconds read, shown as the whole minutes she has completed (never rounded up in her favour)."""
    return int(seconds or 0) // 60
