"""The main menu is built once per (roles, language) and kept: it must still follow role and language changes."""

from __future__ import annotations

import re

from lms.accounts import services
from lms.accounts.models import User
from lms.accounts.queries import user_for_session
from lms.extensions import db
from tests.conftest import create_user


def menu(response) -> list[str]:
    """The labels of the main menu's links, in order."""
    html = response.get_data(as_text=True)
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    assert nav, "no main menu on the page"
    return re.findall(r"<a href=\"[^\"]+\"[^>]*>([^<]+)</a>", nav.group(0))


def set_roles(user_id: int, roles: set[str], admin_id: int) -> None:
    services.set_roles(db.session.get(User, user_id), roles, actor=db.session.get(User, admin_id))
    db.session.commit()


def test_the_menu_follows_a_role_granted_and_revoked_while_the_process_runs(db, login_as):
    admin_browser, admin = login_as("admin")
    browser, learner = login_as("peserta")
    assert admin_browser.get("/akun").status_code == 200  # the admin's menu is now cached too
    assert menu(browser.get("/akun")) == ["Beranda", "Katalog", "Riwayat", "Akun"]

    set_roles(learner.id, {"peserta", "hr"}, admin.id)
    assert menu(browser.get("/akun")) == ["Beranda", "Katalog", "Riwayat", "Meja HR", "Impor pegawai", "Akun"]

    set_roles(learner.id, {"peserta"}, admin.id)
    assert menu(browser.get("/akun")) == ["Beranda", "Katalog", "Riwayat", "Akun"]
    assert browser.get("/hr").status_code == 403


def test_the_menu_speaks_the_chosen_language_and_marks_the_current_page(login_as):
    browser, _ = login_as("peserta")
    assert menu(browser.get("/katalog")) == ["Beranda", "Katalog", "Riwayat", "Akun"]
    browser.post_form("/katalog", {"lang": "en", "next": "/katalog"}, action="/bahasa")
    english = browser.get("/katalog")
    assert menu(english) == ["Home", "Catalogue", "History", "Account"]
    assert re.search(r'<a href="/katalog" aria-current="page">Catalogue</a>', english.get_data(as_text=True))
    browser.post_form("/katalog", {"lang": "id", "next": "/katalog"}, action="/bahasa")
    assert menu(browser.get("/riwayat")) == ["Beranda", "Katalog", "Riwayat", "Akun"]


def test_the_session_user_carries_her_roles_and_a_role_change_in_the_same_session_is_seen(db):
    user_id, version = create_user(roles=("peserta", "pelatih")).id, 1
    admin_id = create_user(roles=("admin",)).id
    db.session.expunge_all()
    loaded = user_for_session(user_id, version)
    assert loaded.roles == {"peserta", "pelatih"}
    assert "role_rows" not in loaded.__dict__  # no second query for the roles
    assert user_for_session(user_id, version + 1) is None  # an older session is dead

    services.set_roles(loaded, {"peserta"}, actor=db.session.get(User, admin_id))
    assert loaded.roles == {"peserta"}  # once role_rows is loaded, it is the truth
    assert not loaded.has_role("pelatih")
    db.session.commit()  # expires role_rows: what the request shows next must still be the new roles
    assert loaded.roles == {"peserta"}
