"""approved_jp_by_user: approved external JP per person, in the year of the training's end date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.external.models import APPROVED, PENDING, REJECTED, ExternalTraining
from lms.external.queries import approved_jp_by_user
from tests.conftest import create_user


def add(db, user, *, jp, end_on, status=APPROVED, **fields):
    fields.setdefault("name", f"Pelatihan {jp} {end_on}")
    row = ExternalTraining(
        user_id=user.id,
        organiser="BPSDM Jawa Tengah",
        kind="diklat",
        start_on=fields.pop("start_on", end_on),
        end_on=end_on,
        jp=jp,
        status=status,
        source="hr",
        rejection_reason="Sertifikat tidak terbaca" if status == REJECTED else None,
        **fields,
    )
    db.session.add(row)
    db.session.flush()
    return row


def test_approved_jp_by_user_sums_approved_training_ending_in_the_year(db):
    ani, budi, citra = create_user(), create_user(), create_user()
    add(db, ani, jp=10, end_on=date(2026, 1, 1))
    add(db, ani, jp=5, end_on=date(2026, 12, 31), start_on=date(2026, 12, 20))
    add(db, ani, jp=7, end_on=date(2027, 1, 1), start_on=date(2026, 12, 30))  # ends next year
    add(db, ani, jp=3, end_on=date(2025, 12, 31))  # ended last year
    add(db, ani, jp=40, end_on=date(2026, 6, 1), status=PENDING)
    add(db, ani, jp=40, end_on=date(2026, 6, 2), status=REJECTED)
    add(db, budi, jp=8, end_on=date(2026, 3, 3))
    add(db, citra, jp=9, end_on=date(2026, 3, 3), status=PENDING)

    sub = approved_jp_by_user(2026)
    rows = dict(db.session.execute(select(sub.c.user_id, sub.c.jp)).all())
    assert rows == {ani.id: 15, budi.id: 8}

    next_year = approved_jp_by_user(2027)
    assert dict(db.session.execute(select(next_year.c.user_id, next_year.c.jp)).all()) == {ani.id: 7}
