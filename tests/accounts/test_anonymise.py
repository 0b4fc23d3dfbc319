"""Erasure on request (UU 27/2022 PDP): a deactivated account's personal data replaced, its records kept."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy import text as sql

from lms.accounts import queries, services
from lms.accounts.models import AuditLog, OneTimeCode, User
from lms.accounts.nip import format_nip
from lms.errors import ValidationError
from lms.learning.models import Completion, Enrolment, LessonProgress
from lms.learning.services import complete_lesson
from tests.accounts.helpers import audit_actions, flashes, is_login_redirect, reload, text
from tests.conftest import TEST_PASSWORD, Browser, create_user, extract_csrf
from tests.learning.helpers import make_module

REASON = "Surat permohonan 800/123/2026"
NAME = "Sri Rahayu Lestari"


@pytest.fixture
def admin(db):
    return create_user(roles=("admin", "peserta"), name="Admin Uji")


@pytest.fixture
def learner(db, admin, tmp_path):
    """A learner with a completed module, a reset code and an audit trail naming her, then deactivated."""
    opd = services.get_or_create_opd("Dinas Uji Anonim")
    user = create_user(
        name=NAME,
        email="sri@example.go.id",
        opd=opd,
        unit_kerja="Bidang Uji",
        jabatan="Analis Uji",
        pangkat_golongan="III/b",
    )
    user.locale = "en"
    services.record_login(user)
    module = make_module(tmp_path, with_quiz=False)
    for lesson in module.lessons:
        complete_lesson(user.id, module, lesson)
    services.update_profile(
        user,
        actor=admin,
        name=NAME,
        email=user.email,
        opd=opd,
        unit_kerja="Bidang Uji",
        jabatan="Analis Uji",
        pangkat_golongan="III/b",
    )
    services.record_audit(admin, "user.note", user, f"Catatan {format_nip(user.nip)} / {NAME}", who={"nama": NAME})
    services.reset_password(user, actor=admin)
    services.set_active(user, False, actor=admin)
    db.session.commit()
    return user


def snapshot(db, user: User) -> tuple:
    db.session.expire_all()
    row = db.session.execute(select(User.__table__).where(User.id == user.id)).one()
    audits = db.session.execute(select(AuditLog.summary, AuditLog.details).order_by(AuditLog.id)).all()
    codes = db.session.scalars(select(OneTimeCode.id).where(OneTimeCode.user_id == user.id)).all()
    return tuple(row), [tuple(a) for a in audits], codes, sorted(reload(user).roles)


def all_rows_text(db) -> str:
    """Every column of every users and audit_log row, as text."""
    users = db.session.execute(sql("SELECT * FROM users")).all()
    audits = db.session.execute(sql("SELECT * FROM audit_log")).all()
    return json.dumps([list(map(str, r)) for r in [*users, *audits]], ensure_ascii=False)


def test_anonymise_erases_personal_fields_and_keeps_records(db, admin, learner):
    old_nip, version, opd_id = learner.nip, learner.session_version, learner.opd_id
    counts = {
        m: len(db.session.scalars(select(m).where(m.user_id == learner.id)).all())
        for m in (Enrolment, LessonProgress, Completion)
    }
    assert all(counts.values())

    services.anonymise_user(learner, actor=admin, reason=f"  {REASON} ")
    db.session.commit()

    user = reload(learner)
    assert user.name == "Akun dihapus"
    assert user.nip == "X" + str(user.id).zfill(17) and len(user.nip) == 18 and user.nip != old_nip
    assert (user.email, user.unit_kerja, user.jabatan, user.pangkat_golongan) == (None, None, None, None)
    assert (user.locale, user.password_hash, user.last_login_at) == (None, None, None)
    assert user.must_change_password is False
    assert user.session_version == version + 1
    assert user.anonymised_at is not None
    assert user.roles == set()
    assert db.session.scalars(select(OneTimeCode).where(OneTimeCode.user_id == user.id)).all() == []
    assert user.opd_id == opd_id and user.employee_type == "PNS"
    for model, n in counts.items():
        assert len(db.session.scalars(select(model).where(model.user_id == user.id)).all()) == n

    entry = db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert (entry.action, entry.actor_id, entry.target_user_id) == ("user.anonymise", admin.id, user.id)
    assert entry.details == {"reason": REASON}


def test_old_nip_and_name_appear_nowhere_in_users_or_audit_log(db, admin, learner):
    old_nip = learner.nip
    before = all_rows_text(db)
    assert old_nip in before and format_nip(old_nip) in before and NAME in before

    services.anonymise_user(learner, actor=admin, reason=REASON)
    db.session.commit()

    after = all_rows_text(db)
    for secret in (old_nip, format_nip(old_nip), NAME):
        assert secret not in after
    assert "[dihapus]" in after
    note = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.note"))
    assert note.summary == "Catatan [dihapus] / [dihapus]"
    assert note.details == {"who": {"nama": "[dihapus]"}}
    assert "Admin Uji" in after  # other people's data are untouched


def test_audit_rows_where_she_was_the_actor_are_scrubbed(db, admin, learner):
    other = create_user(name="Rekan Kerja")
    services.record_audit(learner, "user.note", other, f"{NAME} menulis tentang {other.name}")
    db.session.commit()
    services.anonymise_user(learner, actor=admin, reason=REASON)
    db.session.commit()
    db.session.expire_all()
    summaries = db.session.scalars(select(AuditLog.summary).where(AuditLog.actor_id == learner.id)).all()
    assert summaries == ["[dihapus] menulis tentang Rekan Kerja"]


@pytest.mark.parametrize("case", ["active", "own", "already", "empty_reason", "blank_reason"])
def test_refusals_change_nothing(db, admin, learner, case):
    target, actor, reason = learner, admin, REASON
    if case == "active":
        services.set_active(learner, True, actor=admin)
        db.session.commit()
    elif case == "own":
        services.set_active(admin, False, actor=create_user(roles=("admin",)))
        db.session.commit()
        target = admin
    elif case == "already":
        services.anonymise_user(learner, actor=admin, reason=REASON)
        db.session.commit()
    else:
        reason = "" if case == "empty_reason" else "   \n "
    before = snapshot(db, target)
    with pytest.raises(ValidationError) as exc:
        services.anonymise_user(reload(target), actor=reload(actor), reason=reason)
    db.session.rollback()
    assert exc.value.message
    assert snapshot(db, target) == before


def test_reactivating_or_editing_an_anonymised_account_is_refused(db, admin, learner):
    services.anonymise_user(learner, actor=admin, reason=REASON)
    db.session.commit()
    with pytest.raises(ValidationError, match="tidak dapat"):
        services.set_active(reload(learner), True, actor=admin)
    db.session.rollback()
    with pytest.raises(ValidationError):
        services.reset_password(reload(learner), actor=admin)
    db.session.rollback()
    assert reload(learner).is_active_account is False


# --- the admin page ----------------------------------------------------------------------------


def url(user: User) -> str:
    return f"/admin/pengguna/{user.id}"


@pytest.mark.parametrize("role", ["hr", "peserta", "pelatih"])
def test_web_action_is_forbidden_without_admin(login_as, db, learner, role):
    browser, _ = login_as(role)
    before = snapshot(db, learner)
    response = browser.post_form("/akun", {"reason": REASON}, action=f"{url(learner)}/anonimkan")
    assert response.status_code == 403
    assert snapshot(db, learner) == before


def test_web_action_redirects_anonymous_to_login(client, db, learner):
    token = extract_csrf(text(client.get("/login")))
    response = client.post(f"{url(learner)}/anonimkan", data={"csrf_token": token, "reason": REASON})
    assert is_login_redirect(response)
    assert reload(learner).anonymised_at is None


def test_web_action_without_csrf_is_refused(login_as, db, learner):
    browser, _ = login_as("admin")
    response = browser.client.post(f"{url(learner)}/anonimkan", data={"reason": REASON})
    assert response.status_code == 400
    assert reload(learner).anonymised_at is None


def test_admin_anonymises_from_the_user_page(login_as, db, learner):
    browser, admin_user = login_as("admin")
    page = text(browser.get(url(learner)))
    assert "Hapus data pribadi (anonimkan)" in page and "tidak dapat dibatalkan" in page
    response = browser.post_form(
        url(learner), {"reason": REASON}, action=f"{url(learner)}/anonimkan", follow_redirects=True
    )
    assert response.status_code == 200
    assert any("Data pribadi akun dihapus" in f for f in flashes(response))
    page = text(response)
    assert "Data pribadi dihapus pada" in page
    assert "Aktifkan kembali" not in page and "Reset kata sandi" not in page and "anonimkan" not in page
    user = reload(learner)
    assert user.anonymised_at is not None and user.name == "Akun dihapus"
    assert audit_actions(user)[-1] == "user.anonymise"
    entry = db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert entry.actor_id == admin_user.id

    # activation through the page is refused with the service's message
    response = browser.post_form(url(learner), {"active": "1"}, action=f"{url(learner)}/status", follow_redirects=True)
    assert any("tidak dapat" in f for f in flashes(response))
    assert reload(learner).is_active_account is False


@pytest.mark.parametrize("case", ["no_reason", "active"])
def test_web_bad_input_shows_the_message_and_changes_nothing(login_as, db, admin, learner, case):
    browser, _ = login_as("admin")
    reason = REASON
    if case == "active":
        services.set_active(learner, True, actor=admin)
        db.session.commit()
    else:
        reason = "  "
    before = snapshot(db, learner)
    response = browser.post_form(
        url(learner), {"reason": reason}, action=f"{url(learner)}/anonimkan", follow_redirects=True
    )
    expected = "Nonaktifkan akun terlebih dahulu" if case == "active" else "Alasan penghapusan wajib diisi"
    assert any(expected in f for f in flashes(response))
    assert snapshot(db, learner) == before


def test_active_account_page_offers_no_erasure_form(login_as, db, admin):
    browser, _ = login_as("admin")
    active = create_user()
    assert "anonimkan" not in text(browser.get(url(active)))


def test_anonymised_user_can_neither_log_in_nor_keep_an_old_session(app, db, admin, learner):
    services.set_active(learner, True, actor=admin)
    services.change_password(learner, TEST_PASSWORD, current_password=None, require_current=False)
    db.session.commit()
    old_nip = learner.nip
    her = Browser(app.test_client())
    assert her.login(old_nip).status_code == 302
    old_version = reload(learner).session_version
    assert her.get("/akun").status_code == 200

    # Deactivated behind her back without ending her session, then anonymised: the bump alone ends it.
    user = reload(learner)
    user.is_active_account = False
    db.session.commit()
    services.anonymise_user(reload(learner), actor=admin, reason=REASON)
    db.session.commit()
    assert reload(learner).session_version == old_version + 1
    assert queries.user_for_session(learner.id, old_version) is None
    assert is_login_redirect(her.get("/akun"))
    fresh = Browser(app.test_client())
    assert fresh.login(old_nip).status_code == 200
    assert fresh.login(reload(learner).nip).status_code == 200


# --- the command line --------------------------------------------------------------------------


def test_cli_anonymises(runner, db, admin, learner):
    old_nip = learner.nip
    result = runner.invoke(
        args=["users", "anonymise", format_nip(old_nip), "--reason", REASON, "--actor-nip", admin.nip]
    )
    assert result.exit_code == 0, result.output
    user = reload(learner)
    assert user.anonymised_at is not None and user.nip in result.output
    assert old_nip not in all_rows_text(db)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown", "tidak ditemukan"),
        ("not_admin", "bukan akun admin"),
        ("empty_reason", "Alasan penghapusan wajib diisi"),
        ("active", "masih aktif"),
        ("own", "akun Anda sendiri"),
    ],
)
def test_cli_refuses_bad_input(runner, db, admin, learner, case, message):
    nip, actor_nip, reason = learner.nip, admin.nip, REASON
    target = learner
    if case == "unknown":
        nip = "199001012015011999"
    elif case == "not_admin":
        actor_nip = create_user(roles=("hr",)).nip
    elif case == "empty_reason":
        reason = " "
    elif case == "active":
        services.set_active(learner, True, actor=admin)
        db.session.commit()
    elif case == "own":
        nip, target = admin.nip, admin
    before = snapshot(db, target)
    result = runner.invoke(args=["users", "anonymise", nip, "--reason", reason, "--actor-nip", actor_nip])
    assert result.exit_code != 0
    assert message in result.output
    assert snapshot(db, target) == before
