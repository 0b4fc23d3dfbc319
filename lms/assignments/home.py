"""Her mandatory modules on Beranda, first: a section registered with learning (lms.learning.home_sections)."""

from __future__ import annotations

from lms import dates
from lms.accounts.models import User
from lms.assignments.models import STATE_BADGES, STATE_LABELS
from lms.assignments.queries import my_assignments
from lms.learning.home_sections import HomeSection


def mandatory_section(user: User) -> HomeSection | None:
    """Her active assignments with due date and state (one query); nothing when she has none."""
    items = my_assignments(user.id, dates.today())
    if not items:
        return None
    return HomeSection(
        "assignments/home_section.html", {"items": items, "labels": STATE_LABELS, "badges": STATE_BADGES}
    )
