"""Two HR officers decide the same submission at the same moment: exactly one decision wins, one audit line.

Each thread decides in a transaction of its own, as two requests would: SQLite's BEGIN IMMEDIATE and
PostgreSQL's SELECT ... FOR UPDATE on the record make the second one see the first's decision.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from lms.accounts.models import AuditLog, User
from lms.errors import Conflict
from lms.extensions import db
from lms.external import services
from lms.external.models import PENDING, ExternalTraining
from tests.certificates.factories import make_asn, make_opd
from tests.conftest import create_user
from tests.external.factories import make_training
from tests.ops.conftest import (
    dispose,
    make_app,
    throwaway_pg,  # noqa: F401 - a fixture
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def busy_app(request, tmp_path):
    if request.param == "sqlite":
        app = make_app(f"sqlite:///{tmp_path / 'external.sqlite'}")
    else:
        app = make_app(request.getfixturevalue("throwaway_pg"))
    yield app
    dispose(app)


def test_an_approval_and_a_rejection_at_once_leave_one_decision(busy_app):
    app = busy_app
    with app.app_context():
        learner = make_asn(make_opd())
        training_id = make_training(learner, status=PENDING).id
        officers = [create_user(roles=("hr",)).id for _ in range(2)]
        db.session.remove()

    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def decide(officer_id: int, approve: bool) -> None:
        with app.app_context():
            try:
                start.wait()
                actor = db.session.get(User, officer_id)
                training = db.session.get(ExternalTraining, training_id)
                if approve:
                    services.approve(training, actor=actor)
                else:
                    services.reject(training, "Sertifikat tidak sah.", actor=actor)
                db.session.commit()
                outcomes.append("approved" if approve else "rejected")
            except Conflict:
                db.session.rollback()
                outcomes.append("refused")
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=decide, args=(officers[0], True)),
        threading.Thread(target=decide, args=(officers[1], False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(outcomes) in (["approved", "refused"], ["refused", "rejected"]), outcomes

    with app.app_context():
        training = db.session.get(ExternalTraining, training_id)
        winner = next(o for o in outcomes if o != "refused")
        assert training.status == winner
        decided = AuditLog.action.in_(["external.approve", "external.reject"])
        decisions = db.session.scalar(select(func.count()).select_from(AuditLog).where(decided))
        assert decisions == 1
        db.session.remove()
