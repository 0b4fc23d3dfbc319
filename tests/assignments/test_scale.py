"""15,000 ASN: creating a city-wide assignment is one INSERT … SELECT, and its pages take a bounded number of
queries and little time (SQL aggregation, no per-person loop over the ORM)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, insert, select, text

from lms.accounts.models import Opd, User
from lms.assignments import services
from lms.assignments.models import AssignmentMember
from lms.assignments.services import AssignmentRequest
from lms.extensions import db
from lms.learning.models import Completion
from tests.certificates.factories import make_module
from tests.conftest import Browser, create_user
from tests.learning.helpers import count_statements

PEOPLE = 15_000
OPDS = 35
TODAY = date(2027, 6, 2)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel("2027-06-02T03:00:00+00:00", tick=True):
        yield


def seed_people(module) -> list[int]:
    db.session.execute(insert(Opd), [{"name": f"Dinas Uji {n:02d}"} for n in range(OPDS)])
    opd_ids = list(db.session.scalars(select(Opd.id).order_by(Opd.id)))
    rows = []
    for n in range(PEOPLE):
        nip = f"19800101{2005 + n // 1000}011{n % 1000:03d}"  # 15 TMT years × 1000 numbers
        rows.append({"nip": nip, "name": f"Pegawai {n:05d}", "employee_type": "PNS", "opd_id": opd_ids[n % OPDS]})
    db.session.execute(insert(User), rows)
    user_ids = list(db.session.scalars(select(User.id).where(User.name.like("Pegawai %")).order_by(User.id)))
    moment = datetime(2027, 6, 1, 3, tzinfo=UTC)
    db.session.execute(
        insert(Completion),
        [
            {
                "user_id": uid,
                "module_id": module.id,
                "started_at": moment,
                "completed_at": moment + timedelta(days=i % 60),
                "jp": 4,
                "module_version": 1,
                "cycle": 1,
            }
            for i, uid in enumerate(user_ids[: PEOPLE // 3])
        ],
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))  # what autovacuum does after a roster import
        db.session.commit()
    return user_ids


def test_a_city_wide_assignment_of_15000_people(app, db):
    module = make_module()
    seed_people(module)
    hr = create_user(roles=("hr",))
    request = AssignmentRequest(
        module_id=module.id, target_kind="all", start_on=TODAY, due_on=date(2027, 6, 30), allow_earlier_completion=True
    )
    started = time.perf_counter()
    with count_statements(db.engine) as statements:
        assignment = services.create_assignment(request, actor=hr, scope=None)
        db.session.commit()
    elapsed = time.perf_counter() - started
    member_inserts = [s for s in statements if "INSERT INTO assignment_members" in s]
    assert len(member_inserts) == 1, "one INSERT … SELECT, whatever the group's size"
    assert len(statements) <= 12, statements
    assert db.session.scalar(select(func.count()).select_from(AssignmentMember)) == PEOPLE + 1
    print(f"creating for {PEOPLE + 1} people: {elapsed * 1000:.0f} ms, {len(statements)} statements")
    assert elapsed < 5, f"creating took {elapsed:.2f} s"

    browser = Browser(app.test_client())
    assert browser.login(hr.nip).status_code == 302
    for url in (f"/hr/penugasan/{assignment.id}", "/hr/penugasan", f"/hr/penugasan/{assignment.id}?status=terlambat"):
        browser.get(url)
        started = time.perf_counter()
        with count_statements(db.engine) as statements:
            response = browser.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        assert len(statements) <= 12, (url, len(statements))
        print(f"{url}: {elapsed * 1000:.0f} ms, {len(statements)} statements")
        assert elapsed < 3, f"{url} took {elapsed:.2f} s"
    started = time.perf_counter()
    export = browser.get(f"/hr/penugasan/{assignment.id}?format=xlsx")
    elapsed = time.perf_counter() - started
    print(f"XLSX export of {PEOPLE + 1} rows: {elapsed:.2f} s")
    assert export.status_code == 200 and elapsed < 20  # openpyxl's writing dominates; shared machine
