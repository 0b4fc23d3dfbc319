"""Her mandatory modules on Beranda, first: a section registered with learning (lms.learning.home_sections)."""

from __future__ import annotations

from flask_babel import gettext as _

from lms import dates
from lms.accounts.models import User
from lms.assignments.models import STATE_BADGES, STATE_LABELS
from lms.assignments.queries import my_assignments
from lms.content.models import Module
from lms.i18n import long_date
from lms.learning.home_sections import HomeSection, ModuleNotice


def mandatory_section(user: User) -> HomeSection | None:
    """Her active assignments with due date and state (one query); nothing when she has none."""
    items = my_assignments(user.id, dates.today())
    if not items:
        return None
    return HomeSection(
        "assignments/home_section.html", {"items": items, "labels": STATE_LABELS, "badges": STATE_BADGES}
    )


def mandatory_notice(user_id: int, module: Module) -> ModuleNotice | None:
    """Her state and "Wajib, tenggat 30 Juni 2027" on the page of a module she must complete (one query)."""
    items = my_assignments(user_id, dates.today(), module_id=module.id)
    if not items:
        return None
    item = items[0]
    return ModuleNotice(
        label=_("Wajib, tenggat %(due)s", due=long_date(item.due_on)),
        badge=str(STATE_LABELS[item.state]),
        css=STATE_BADGES[item.state],
    )
