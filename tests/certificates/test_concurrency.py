"""20 learners complete at the same moment: 20 certificates with 20 distinct, consecutive numbers.

Each thread records its completion in a transaction of its own, as 20 requests would, so the test
covers SQLite's BEGIN IMMEDIATE and PostgreSQL's SELECT ... FOR UPDATE on the year's counter row.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate, CertificateCounter
from lms.content.models import Module
from lms.extensions import db
from lms.learning.services import record_completion
from tests.certificates.factories import make_asn, make_module, make_opd
from tests.ops.conftest import dispose, make_app

LEARNERS = 20


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def busy_app(request, tmp_path):
    if request.param == "sqlite":
        app = make_app(f"sqlite:///{tmp_path / 'certificates.sqlite'}")
    else:
        app = make_app(request.getfixturevalue("throwaway_pg"))
    yield app
    dispose(app)


def test_twenty_concurrent_completions_get_twenty_consecutive_numbers(busy_app):
    app = busy_app
    with app.app_context():
        opd = make_opd()
        module_id = make_module(jp=2).id
        user_ids = [make_asn(opd).id for _ in range(LEARNERS)]
        db.session.remove()

    start = threading.Barrier(LEARNERS)
    errors: list[BaseException] = []

    def learner(user_id: int) -> None:
        with app.app_context():
            try:
                start.wait()  # before any query: on SQLite the first statement takes the write lock
                module = db.session.get(Module, module_id)
                record_completion(user_id, module, score=90)
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=learner, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    with app.app_context():
        rows = db.session.execute(
            select(Certificate.year, Certificate.seq, Certificate.number, Certificate.user_id)
        ).all()
        assert len(rows) == LEARNERS
        assert {user for *_, user in rows} == set(user_ids)
        (year,) = {year for year, *_ in rows}
        assert sorted(seq for _, seq, *_ in rows) == list(range(1, LEARNERS + 1))
        assert sorted(number for _, _, number, _ in rows) == [f"LMS/{year}/{n:06d}" for n in range(1, LEARNERS + 1)]
        assert db.session.get(CertificateCounter, year).last_seq == LEARNERS
        db.session.remove()
