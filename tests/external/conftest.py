"""A world for external training: two OPDs, a learner in each, city-wide HR, an OPD-scoped HR, clients."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lms.accounts.models import HrScope
from lms.extensions import db as _db
from tests.certificates.factories import make_asn, make_opd
from tests.conftest import Browser, create_user


@dataclass
class World:
    opd: object
    other_opd: object
    learner: object
    outsider: object  # a learner of the other OPD
    hr_city: object
    hr_opd: object  # HR limited to `opd`
    admin: object
    clients: dict


def logged_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(user.nip).status_code == 302
    return browser


@pytest.fixture
def world(app, db) -> World:
    opd = make_opd("Dinas Komunikasi, Informatika, Statistik dan Persandian")
    other = make_opd("Dinas Kesehatan")
    learner = make_asn(opd, name="Siti Aminah")
    outsider = make_asn(other, name="Budi Santoso")
    hr_city = create_user(roles=("hr",), name="Petugas BKPP")
    hr_opd = create_user(roles=("hr",), name="Kepegawaian Diskominfo", opd=opd)
    admin = create_user(roles=("admin",), name="Admin Lentera")
    _db.session.add(HrScope(user_id=hr_opd.id, opd_id=opd.id))
    _db.session.commit()
    clients = {
        name: logged_in(app, user)
        for name, user in (
            ("learner", learner),
            ("outsider", outsider),
            ("hr_city", hr_city),
            ("hr_opd", hr_opd),
            ("admin", admin),
        )
    }
    clients["anonymous"] = Browser(app.test_client())
    return World(opd, other, learner, outsider, hr_city, hr_opd, admin, clients)
