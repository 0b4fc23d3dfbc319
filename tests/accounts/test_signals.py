"""Roster events reach higher domains through signals, inside the caller's transaction."""

from __future__ import annotations

from lms.accounts import services
from lms.accounts.signals import account_changed, account_created
from tests.conftest import create_user


def test_creating_an_account_sends_account_created(db):
    heard = []

    def on_created(user):
        heard.append(user.nip)

    with account_created.connected_to(on_created):
        user = create_user()
    assert heard == [user.nip]


def test_a_change_of_opd_or_active_state_sends_account_changed_with_old_and_new(db):
    admin = create_user(roles=("admin",))
    user = create_user()
    first, second = services.get_or_create_opd("Dinas A"), services.get_or_create_opd("Dinas B")
    db.session.flush()
    heard = []

    def on_changed(sender, changes):
        heard.append((sender.id, changes))

    fields = {"name": user.name, "email": None, "unit_kerja": None, "jabatan": None, "pangkat_golongan": None}
    with account_changed.connected_to(on_changed):
        services.update_profile(user, actor=admin, opd=first, **fields)
        services.update_profile(user, actor=admin, opd=first, **fields)  # no change: nothing sent
        services.update_profile(user, actor=admin, opd=second, **fields)
        services.set_active(user, False, actor=admin)
    assert heard == [
        (user.id, {"opd_id": (None, first.id)}),
        (user.id, {"opd_id": (first.id, second.id)}),
        (user.id, {"is_active": (True, False)}),
    ]
