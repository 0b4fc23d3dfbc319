"""The application as a whole: headers, languages, error pages, health check, configuration, privacy, cookies."""

from __future__ import annotations

import json
import re
import secrets

import pytest
from flask import abort
from sqlalchemy import select

import config as config_module
from config import ProductionConfig, TestingConfig, config_for
from lms import create_app
from lms.accounts import services
from lms.extensions import db as _db
from lms.learning.models import Completion
from tests.conftest import TEST_PASSWORD, Browser, RequestIsolatedClient, create_user, extract_csrf

STRONG_KEY = secrets.token_urlsafe(48)
PUBLIC_URL = "https://lentera.semarangkota.go.id"


def text(response) -> str:
    return response.get_data(as_text=True)


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def other_app(database_url):
    """Build another app (production settings, a broken database, a test route); disposed afterwards."""
    made = []

    def _make(base=TestingConfig, **settings):
        attrs = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": "memory://", **settings}
        application = create_app(type("OtherConfig", (base,), attrs))
        application.test_client_class = RequestIsolatedClient
        made.append(application)
        return application

    yield _make
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def production_app(other_app, tmp_path):
    """Production settings over a database of its own (two engines on one SQLite file would lock)."""
    application = other_app(
        ProductionConfig,
        SECRET_KEY=STRONG_KEY,
        LMS_PUBLIC_URL=PUBLIC_URL,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}",
    )
    with application.app_context():
        _db.create_all()
    return application


# --- security headers -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/login", "/kebijakan-privasi", "/tidak-ada", "/static/css/lentera.css"])
def test_every_response_carries_a_strict_content_security_policy(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "*" not in policy
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"strict-origin-when-cross-origin", "same-origin", "no-referrer"}


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_in_production(production_app):
    response = production_app.test_client().get("/", base_url="https://lentera.test")
    hsts = response.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_pages_carrying_personal_data_are_not_stored_in_shared_caches(client):
    for path in ("/", "/login", "/kebijakan-privasi", "/tidak-ada"):
        assert client.get(path).headers["Cache-Control"] == "private, no-cache", path


@pytest.fixture
def everything(app, db, tmp_path):
    """A user holding every role, with a module she finished (so a certificate, an attempt and a lesson)."""
    from lms.quizzes.models import QuizAttempt
    from tests.certificates.factories import certificate_of, make_asn
    from tests.external.factories import make_training
    from tests.learning.helpers import answers_for, make_module, mark_done, send_answers, start_quiz

    user = make_asn(roles=("peserta", "pelatih", "hr", "admin"))
    module = make_module(tmp_path / "content", "semua-halaman")
    from lms.authoring.services import sync_from_disk
    from lms.content.parse import check_tree

    sync_from_disk(check_tree(tmp_path / "content" / "semua-halaman")[0], whole_tree=False, force=False)
    db.session.commit()  # version 1 of its files: the authoring pages open
    browser = Browser(app.test_client())
    assert browser.login(user.nip).status_code == 302
    for lesson in ("pengantar", "inti", "penutup"):
        mark_done(browser, module.slug, lesson)
    send_answers(browser, start_quiz(browser, module.slug), answers_for(module))
    completion = db.session.scalar(select(Completion).where(Completion.user_id == user.id))
    from lms.assignments.services import AssignmentRequest, create_assignment
    from lms.dates import today

    assignment = create_assignment(
        AssignmentRequest(module_id=module.id, target_kind="all", start_on=today(), due_on=today()),
        actor=user,
        scope=None,
    )
    db.session.commit()
    training = make_training(user)
    values = {
        "user_id": user.id,
        "opd_id": user.opd_id,
        "certificate_id": certificate_of(completion).id,
        "attempt_id": db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.user_id == user.id)),
        "slug": module.slug,
        "lesson_slug": "inti",
        "year": completion.completed_at.year,
        "code": certificate_of(completion).verification_code,
        "message_id": 1,
        "token": "tautan-yang-tidak-dikenal-1234567890",
        "name": "module.md",
        "number": 1,
        "assignment_id": assignment.id,
        "training_id": training.id,
    }
    return browser, values


def test_every_page_answered_to_a_logged_in_user_is_never_stored(app, everything):
    """no-store: not in any cache, nor in the browser's back/forward cache, so Back after "Keluar" on a
    shared PC shows nothing private. Every GET route, with real ids (and the error pages with unknown ones)."""
    browser, values = everything
    answered = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "content.media"):
            continue
        known = {name: values[name] for name in rule.arguments}
        unknown = {name: 987654 if isinstance(value, int) else "tidak-ada" for name, value in known.items()}
        for arguments in (known, unknown) if known else (known,):
            path = rule.build(arguments, append_unknown=False)[1]
            response = browser.get(path)
            assert response.headers.get("Cache-Control") in ("no-store", "private, no-store"), (path, response.status)
            answered.append(response.status_code)
    assert answered.count(200) >= 35, answered


def test_static_files_keep_their_caching_for_a_logged_in_user(everything):
    """The stylesheet is no private page: the browser keeps it and revalidates it (304)."""
    browser, _ = everything
    css = browser.get("/static/css/lentera.css")
    assert "no-store" not in css.headers.get("Cache-Control", "")
    assert browser.get("/static/css/lentera.css", headers={"If-None-Match": css.headers["ETag"]}).status_code == 304


def inline_code(page: str) -> list[str]:
    """What the CSP would block: inline scripts and styles, event handler attributes."""
    found = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    found += re.findall(r"<style[\s>]", page)
    found += re.findall(r"\sstyle=\"", page)
    found += re.findall(r"\son[a-z]+=\"", page)
    found += re.findall(r"javascript:", page)
    return found


@pytest.mark.parametrize("url", ["/", "/login", "/kebijakan-privasi", "/tidak-ada"])
def test_public_pages_have_no_inline_code_the_policy_would_block(client, url):
    assert inline_code(text(client.get(url))) == []


@pytest.mark.parametrize(
    "url",
    [
        "/akun",
        "/akun/kata-sandi",
        "/admin/pengguna",
        "/admin/pengguna/baru",
        "/admin/impor",
        "/admin/opd",
        "/admin/audit",
    ],
)
def test_account_and_admin_pages_have_no_inline_code(login_as, url):
    browser, _ = login_as("admin", "peserta")
    response = browser.get(url)
    assert response.status_code == 200
    assert inline_code(text(response)) == []


def test_every_stylesheet_script_and_icon_is_served_by_the_app(client):
    page = text(client.get("/"))
    assets = re.findall(r'<link[^>]+href="([^"]+)"', page) + re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert assets
    for url in assets:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200
    assert not re.search(r'(src|href)="(https?:)?//', page)


# --- languages ---------------------------------------------------------------------------------


def test_pages_are_indonesian_by_default(client):
    page = text(client.get("/login"))
    assert '<html lang="id">' in page
    assert "Masuk" in page and "Kata sandi atau kode aktivasi" in page


def test_english_switch_turns_the_pages_english(browser):
    response = browser.post_form("/login", {"lang": "en", "next": "/login"}, action="/bahasa")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    page = text(browser.get("/login"))
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Password or activation code" in page
    assert "Kata sandi atau kode aktivasi" not in page
    # and back
    browser.post_form("/login", {"lang": "id"}, action="/bahasa")
    assert '<html lang="id">' in text(browser.get("/login"))


def test_english_error_pages(browser):
    browser.post_form("/login", {"lang": "en"}, action="/bahasa")
    response = browser.get("/tidak-ada")
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_unknown_language_is_ignored(browser):
    browser.post_form("/login", {"lang": "fr"}, action="/bahasa")
    assert '<html lang="id">' in text(browser.get("/login"))


def test_language_switch_needs_post_and_csrf(client):
    assert client.get("/bahasa?lang=en").status_code == 405
    assert client.post("/bahasa", data={"lang": "en"}).status_code == 400
    assert '<html lang="id">' in text(client.get("/login"))


def test_chosen_language_is_remembered_on_the_account(app, login_as):
    browser, user = login_as("peserta")
    browser.post_form("/akun", {"lang": "en"}, action="/bahasa")
    assert '<html lang="en">' in text(browser.get("/akun"))
    other_device = Browser(app.test_client())
    other_device.login(user.nip)
    page = text(other_device.get("/akun"))
    assert '<html lang="en">' in page
    assert "My account" in page


def test_english_catalogue_translates_every_message():
    from babel.messages.pofile import read_po

    from lms import __file__ as lms_init

    po_path = lms_init.replace("__init__.py", "translations/en/LC_MESSAGES/messages.po")
    with open(po_path, "rb") as handle:
        catalogue = read_po(handle)
    untranslated = [m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == []
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert fuzzy == []


# --- error pages ----------------------------------------------------------------------------------


def assert_indonesian_error_page(response, status: int, title: str) -> None:
    assert response.status_code == status
    page = text(response)
    assert '<html lang="id">' in page
    assert f'<p class="error-code">{status}</p>' in page
    assert title in page
    assert "Traceback" not in page and "Werkzeug" not in page
    assert "Kembali ke beranda" in page


def test_400_page_for_a_missing_csrf_token(client):
    assert_indonesian_error_page(client.post("/bahasa", data={"lang": "en"}), 400, "Permintaan tidak dapat diproses")


def test_403_page(login_as):
    browser, _ = login_as("peserta")
    response = browser.get("/admin/pengguna")
    assert_indonesian_error_page(response, 403, "Akses ditolak")
    assert "Anda tidak memiliki hak untuk membuka halaman ini." in text(response)


def test_404_page(client):
    response = client.get("/halaman/yang/tidak/ada")
    assert_indonesian_error_page(response, 404, "Halaman tidak ditemukan")


def test_405_page(client):
    assert_indonesian_error_page(client.get("/logout"), 405, "Metode tidak diizinkan")


def test_429_page(app, browser, monkeypatch, db):
    # The public verification page's limit (Flask-Limiter); a blocked login shows its own form instead.
    monkeypatch.setitem(app.config, "LMS_CERT_VERIFY_LIMIT", "1 per minute")
    browser.get("/verifikasi/TIDAK-ADA")
    response = browser.get("/verifikasi/TIDAK-ADA")
    assert_indonesian_error_page(response, 429, "Terlalu banyak percobaan")
    assert "tunggu beberapa menit" in text(response)


def test_413_page_for_an_oversized_upload(app, login_as, monkeypatch):
    browser, _ = login_as("admin")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    token = extract_csrf(text(browser.get("/admin/impor")))
    import io

    response = browser.client.post(
        "/admin/impor", data={"csrf_token": token, "file": (io.BytesIO(b"x" * 5000), "besar.csv")}
    )
    assert_indonesian_error_page(response, 413, "Berkas terlalu besar")


def test_500_page_hides_the_error_and_speaks_indonesian(other_app):
    application = other_app()

    @application.route("/_uji-gagal")
    def _failing():
        raise RuntimeError("rahasia internal: password=hunter2")

    response = application.test_client().get("/_uji-gagal")
    assert_indonesian_error_page(response, 500, "Terjadi kesalahan pada server")
    assert "rahasia internal" not in text(response)
    assert "RuntimeError" not in text(response)


def test_errors_answer_json_to_clients_that_ask_for_it(other_app):
    application = other_app()

    @application.route("/_uji-403")
    def _forbidden():
        abort(403)

    response = application.test_client().get("/_uji-403", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.is_json
    assert response.get_json() == {"error": "Anda tidak memiliki hak untuk membuka halaman ini.", "status": 403}


def test_domain_errors_are_shown_with_their_own_message(other_app):
    from lms.errors import Conflict

    application = other_app()

    @application.route("/_uji-konflik")
    def _conflict():
        raise Conflict("Modul ini sedang diubah oleh pelatih lain.")

    response = application.test_client().get("/_uji-konflik")
    assert response.status_code == 409
    assert "Modul ini sedang diubah oleh pelatih lain." in text(response)


# --- health check and an unreachable database ------------------------------------------------------


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def broken_db_app(other_app, tmp_path):
    return other_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'tidak-ada' / 'lms.sqlite'}")


def test_healthz_answers_503_when_the_database_is_unreachable(broken_db_app):
    response = broken_db_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_healthz_answers_503_when_postgresql_is_unreachable(other_app):
    application = other_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:9/tidak_ada")
    assert application.test_client().get("/healthz").status_code == 503


def test_pages_needing_the_database_answer_503_not_500_when_it_is_down(broken_db_app):
    client = broken_db_app.test_client()
    token = extract_csrf(text(client.get("/login")))
    response = client.post("/login", data={"csrf_token": token, "nip": "198609262015051001", "password": "x" * 10})
    assert response.status_code == 503
    assert "Layanan sedang tidak tersedia" in text(response)
    assert response.headers["Retry-After"]


# --- configuration ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [None, "", "dev", "changeme", "kunci-pendek", "a" * 64, "abababababababababababababababab"],
    ids=["missing", "empty", "dev", "changeme", "short", "one-char", "two-chars"],
)
def test_production_refuses_a_missing_or_weak_secret_key(key, database_url):
    settings = type("Prod", (ProductionConfig,), {"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": database_url})
    with pytest.raises(RuntimeError) as excinfo:
        create_app(settings)
    message = str(excinfo.value)
    assert "Konfigurasi produksi ditolak" in message
    assert "SECRET_KEY" in message and "minimal 32 karakter" in message
    assert "secrets.token_urlsafe" in message  # says how to make one


def test_production_refuses_debug(database_url):
    settings = type("Prod", (ProductionConfig,), {"SECRET_KEY": STRONG_KEY, "DEBUG": True})
    with pytest.raises(RuntimeError, match="DEBUG harus mati di produksi"):
        create_app(settings)


def test_production_refuses_flask_debug_in_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    settings = type("Prod", (ProductionConfig,), {"SECRET_KEY": STRONG_KEY})
    with pytest.raises(RuntimeError, match="FLASK_DEBUG"):
        create_app(settings)


def test_production_reports_every_problem_at_once():
    settings = type("Prod", (ProductionConfig,), {"SECRET_KEY": "dev", "DEBUG": True})
    with pytest.raises(RuntimeError) as excinfo:
        create_app(settings)
    assert "SECRET_KEY" in str(excinfo.value) and "DEBUG" in str(excinfo.value)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (None, "wajib diisi"),
        ("", "wajib diisi"),
        ("   ", "wajib diisi"),
        ("http://127.0.0.1:5000", "masih alamat pengembangan"),
        ("http://127.0.0.1:5000/", "masih alamat pengembangan"),
        ("http://localhost:8000", "masih alamat pengembangan"),
        ("http://0.0.0.0:8000", "masih alamat pengembangan"),
        ("http://[::1]:5000", "masih alamat pengembangan"),
        ("lentera.semarangkota.go.id", "bukan alamat lengkap"),
        ("ftp://lentera.semarangkota.go.id", "bukan alamat lengkap"),
        ("https://lentera.semarangkota.go.id/?a=1", "bukan alamat lengkap"),
        ("https://lentera.semarangkota.go.id:port", "bukan alamat lengkap"),
        ("http://[::1", "bukan alamat lengkap"),
    ],
)
def test_production_refuses_a_missing_or_development_public_url(url, reason, database_url):
    settings = type(
        "Prod",
        (ProductionConfig,),
        {"SECRET_KEY": STRONG_KEY, "LMS_PUBLIC_URL": url, "SQLALCHEMY_DATABASE_URI": database_url},
    )
    with pytest.raises(RuntimeError) as excinfo:
        create_app(settings)
    message = str(excinfo.value)
    assert message.startswith("Konfigurasi produksi ditolak: LMS_PUBLIC_URL")
    assert reason in message
    assert "https://lentera.semarangkota.go.id" in message  # says what to write
    assert "SECRET_KEY" not in message and "DEBUG" not in message


@pytest.mark.parametrize("url", [PUBLIC_URL, PUBLIC_URL + "/", "http://10.12.0.5:8080/lentera"])
def test_production_starts_with_a_public_address(url, other_app, tmp_path):
    application = other_app(
        ProductionConfig,
        SECRET_KEY=STRONG_KEY,
        LMS_PUBLIC_URL=url,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}",
    )
    assert application.config["LMS_PUBLIC_URL"] == url


def test_production_starts_with_a_strong_key(production_app):
    assert production_app.config["ENV_NAME"] == "production"
    assert production_app.test_client().get("/healthz", base_url="https://lentera.test").status_code == 200


def test_development_without_a_key_gets_a_random_one(database_url):
    settings = type(
        "Dev", (config_module.DevelopmentConfig,), {"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    first, second = create_app(settings), create_app(settings)
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    for application in (first, second):
        with application.app_context():
            _db.engine.dispose()


def test_lms_env_chooses_the_settings_and_refuses_unknown_names():
    assert config_for("production") is ProductionConfig
    assert config_for(" Testing ") is TestingConfig
    assert config_for(None) is config_module.DevelopmentConfig
    with pytest.raises(ValueError, match="LMS_ENV='staging' tidak dikenal"):
        config_for("staging")


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LMS_ACTIVATION_CODE_DAYS", "3")
    monkeypatch.setenv("RATELIMIT_ENABLED", "ya")
    monkeypatch.setenv("LMS_NAME", "")
    assert config_module.env_int("LMS_ACTIVATION_CODE_DAYS", 14) == 3
    assert config_module.env_bool("RATELIMIT_ENABLED", False) is True
    assert config_module.env_str("LMS_NAME", "Lentera") == "Lentera"  # empty means unset


def test_sqlite_gets_foreign_keys_wal_and_a_busy_timeout(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]


# --- privacy and "my data" ----------------------------------------------------------------------------


def test_privacy_page_says_what_is_kept_why_and_how_long(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "DATA_RETENTION_YEARS", 7)
    response = client.get("/kebijakan-privasi")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Kebijakan Privasi</h1>" in page
    assert "UU 27/2022" in page and "Pasal 20" in page  # why: the legal basis
    assert "NIP, nama" in page  # what
    assert "7 tahun" in page  # how long: the setting
    assert "tidak mengumpulkan NIK" in page
    assert 'href="/kebijakan-privasi"' in text(client.get("/login"))  # linked from every page


def test_my_data_download_holds_the_users_data(db, login_as):
    opd = services.get_or_create_opd("Dinas Komunikasi, Informatika, Statistik dan Persandian")
    browser, user = login_as("peserta", "pelatih", name="Wahyu Hidayat", opd=opd, jabatan="Pranata Komputer")
    response = browser.get("/akun/data-saya.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition and user.nip in disposition
    data = json.loads(response.get_data(as_text=True))
    account = data["akun"]
    assert account["nip"] == user.nip
    assert account["nama"] == "Wahyu Hidayat"
    assert account["opd"] == "Dinas Komunikasi, Informatika, Statistik dan Persandian"
    assert account["jabatan"] == "Pranata Komputer"
    assert account["jenis_pegawai"] == "PNS"
    assert account["peran"] == ["pelatih", "peserta"]
    assert account["login_terakhir"] is not None
    assert [e["tindakan"] for e in data["catatan_audit"]] == ["user.create"]
    body = response.get_data(as_text=True)
    assert "scrypt" not in body and user.password_hash not in body  # never the password hash


def test_my_data_needs_login(client):
    response = client.get("/akun/data-saya.json")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- cookies ----------------------------------------------------------------------------------------


def cookie_header(response, name: str) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    assert headers, f"no {name} cookie set"
    return headers[-1]


def test_session_cookie_is_httponly_and_samesite_lax(browser, db):
    user = create_user()
    response = browser.login(user.nip)
    header = cookie_header(response, "lentera_session")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Path=/" in header


def test_production_cookies_are_host_prefixed_and_secure(production_app):
    with production_app.app_context():
        nip = create_user().nip
    client = production_app.test_client()
    base = "https://lentera.test"
    token = extract_csrf(text(client.get("/login", base_url=base)))
    response = client.post(
        "/login",
        data={"csrf_token": token, "nip": nip, "password": TEST_PASSWORD, "remember": "y"},
        base_url=base,
        headers={"Referer": f"{base}/login"},
    )
    assert response.status_code == 302, text(response)[:300]
    for name in ("__Host-lentera_session", "__Host-lentera_remember"):
        header = cookie_header(response, name)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
        assert "Path=/" in header
        assert "Domain=" not in header  # __Host- cookies must not name a domain
    assert client.get("/akun", base_url=base).status_code == 200


def test_dates_are_written_in_indonesian_outside_a_request(app):
    """A command line or a service called without a request (no user, no session) still formats dates."""
    from datetime import UTC, datetime

    from lms.i18n import long_datetime

    with app.app_context():
        assert long_datetime(datetime(2026, 12, 31, 17, 30, tzinfo=UTC)) == "1 Januari 2027, 00.30"


def test_with_the_rate_limit_storage_down_pages_and_logins_answer(other_app, db):
    """RATELIMIT_STORAGE_URI names a Redis that does not answer: the verification page (a Flask-Limiter
    limit) and a login (the throttle's counters) still answer, from memory, instead of a 500."""
    from lms.accounts import throttle

    application = other_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", RATELIMIT_ENABLED=True)
    assert isinstance(application.extensions[throttle.EXTENSION], throttle.Counters)
    client = application.test_client()
    assert client.get("/verifikasi/BUKAN-KODE").status_code in (200, 404)
    page = client.get("/login")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"csrf_token": token, "nip": "198609262015051001", "password": "salah-salah"})
    assert answer.status_code == 200 and "NIP atau kata sandi salah" in answer.get_data(as_text=True)
    other_app()  # the shared limiter extension back on memory storage, so the cleanup can reset it
