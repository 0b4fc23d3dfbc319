"""Configuration classes chosen by LMS_ENV; every value can be overridden from the environment."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("LMS_INSTANCE_PATH", BASE_DIR / "instance"))


#: Where `flask run` serves when given no --host/--port. Production refuses it as LMS_PUBLIC_URL.
DEVELOPMENT_PUBLIC_URL = "http://127.0.0.1:5000"


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's value, or the default when it is unset or empty."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return int(value) if value is not None else default


def env_float(name: str, default: float) -> float:
    value = env_str(name)
    return float(value) if value is not None else default


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


class Config:
    """Development defaults: SQLite in the instance folder, in-memory rate limits."""

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False
    SECRET_KEY = env_str("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = env_str("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'lms.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)

    # Content: the folder of Markdown modules that `flask content sync` loads.
    CONTENT_DIR = env_str("LMS_CONTENT_DIR", str(BASE_DIR / "content"))

    # Public identity of this installation.
    LMS_NAME = env_str("LMS_NAME", "Lentera")
    LMS_ORGANISER = env_str("LMS_ORGANISER", "BKPP Kota Semarang")
    LMS_INSTANCE_NAME = env_str("LMS_INSTANCE_NAME", "Pemerintah Kota Semarang")
    # The address certificates' QR codes and printed verification URLs start with; it stays in every
    # certificate issued. Unset (development only: production refuses to start without a real one):
    # the address the request came to, so `PORT=8000 make run` issues QR codes that lead to port 8000.
    LMS_PUBLIC_URL = env_str("LMS_PUBLIC_URL")

    # Certificates: numbers PREFIX/YYYY/NNNNNN; the place and signatory printed on each (frozen into
    # it at issue); a logo file, relative to the instance folder (absent = no logo).
    LMS_CERT_PREFIX = env_str("LMS_CERT_PREFIX", "LMS")
    LMS_CERT_PLACE = env_str("LMS_CERT_PLACE", "Semarang")
    LMS_CERT_SIGNER_TITLE = env_str("LMS_CERT_SIGNER_TITLE", "Kepala BKPP Kota Semarang")
    LMS_CERT_SIGNER_NAME = env_str("LMS_CERT_SIGNER_NAME")
    LMS_CERT_SIGNER_NIP = env_str("LMS_CERT_SIGNER_NIP")
    LMS_CERT_VERIFY_LIMIT = env_str("LMS_CERT_VERIFY_LIMIT", "60 per minute")  # per IP, public page
    LMS_CERT_LOGO = env_str("LMS_CERT_LOGO", "logo-sertifikat.png")
    # Digital signature (PAdES): a PKCS#12 file (.p12/.pfx, e.g. from BSrE), relative to the instance
    # folder unless absolute, and its password — from the environment only, never in the repository.
    # Unset: certificates are unsigned and verified by their QR code. Set but unusable: the app refuses
    # to start (see docs/certificates.md).
    LMS_CERT_SIGNING_P12 = env_str("LMS_CERT_SIGNING_P12")
    LMS_CERT_SIGNING_PASSWORD = env_str("LMS_CERT_SIGNING_PASSWORD")

    # Accounts
    LMS_ADMIN_NIP = env_str("LMS_ADMIN_NIP", "198609262015051001")
    ACTIVATION_CODE_DAYS = env_int("LMS_ACTIVATION_CODE_DAYS", 14)
    DATA_RETENTION_YEARS = env_int("LMS_DATA_RETENTION_YEARS", 5)

    # The page `/` sends logged-in users to (their Beranda).
    LMS_HOME_ENDPOINT = "learning.home"

    # Yearly JP targets per employee type (PP 11/2017 jo. PP 17/2020 Pasal 203(4); PP 49/2018 Pasal 40(1)).
    JP_TARGET_PNS = env_int("LMS_JP_TARGET_PNS", 20)
    JP_TARGET_PPPK = env_int("LMS_JP_TARGET_PPPK", 20)

    # Time on task (lms/learning/timing.py). "Tandai selesai" is accepted once her reading time reaches this
    # share of the lesson's expected minutes: 0.5 is twice the 180 words a minute the estimate assumes,
    # about the fastest an adult reads to learn (skimming, not studying, is faster). Each interval between
    # her requests counts at most twice the lesson's minutes and at most LMS_TIME_MAX_INTERVAL_MINUTES;
    # one longer than LMS_IDLE_MINUTES (the session would have ended) counts nothing. The HR list
    # "perlu ditinjau" holds completions whose reading time is under LMS_REVIEW_TIME_SHARE of expected.
    MIN_TIME_SHARE = env_float("LMS_MIN_TIME_SHARE", 0.5)
    TIME_MAX_INTERVAL_MINUTES = env_int("LMS_TIME_MAX_INTERVAL_MINUTES", 30)
    REVIEW_TIME_SHARE = env_float("LMS_REVIEW_TIME_SHARE", 0.75)

    # Rate limits (Flask-Limiter): memory by default, Redis when RATELIMIT_STORAGE_URI is set.
    RATELIMIT_STORAGE_URI = env_str("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # Redis down: Flask-Limiter's limits count in memory meanwhile (the login counters do too: throttle.py).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    # Failed password checks (lms/accounts/throttle.py, same storage): per NIP, and per address counting
    # at most the per-NIP limit from each NIP. The current password on "Ganti kata sandi" counts per account.
    LOGIN_LIMIT_PER_NIP = env_str("LMS_LOGIN_LIMIT_PER_NIP", "10 per 15 minutes")
    LOGIN_LIMIT_PER_IP = env_str("LMS_LOGIN_LIMIT_PER_IP", "100 per 15 minutes")

    # E-mail (lms/mail, docs/deploy.md). Messages go to an outbox table in the same transaction as their
    # event; `flask mail send` (cron) or `flask mail worker` sends them over SMTP with Flask-Mail. With
    # mail on and no MAIL_SERVER, development prints each message to the console; production refuses to
    # start. Production turns mail on when MAIL_SERVER is set, unless LMS_MAIL_ENABLED says otherwise.
    LMS_MAIL_ENABLED = env_bool("LMS_MAIL_ENABLED", True)
    MAIL_SERVER = env_str("MAIL_SERVER")
    MAIL_PORT = env_int("MAIL_PORT", 587)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", True)  # STARTTLS on MAIL_PORT (587)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)  # TLS from the first byte (465); not with MAIL_USE_TLS
    MAIL_USERNAME = env_str("MAIL_USERNAME")
    MAIL_PASSWORD = env_str("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = env_str("MAIL_DEFAULT_SENDER", "Lentera <no-reply@localhost>")
    MAIL_SUPPRESS_SEND = False  # Flask-Mail would stay silent under TESTING; the outbox decides instead
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 30)  # seconds for each SMTP connect/command
    MAIL_MAX_TRIES = env_int("MAIL_MAX_TRIES", 10)  # then the message is `failed` for good (Kotak keluar)
    MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60)  # first retry; doubled each try after
    MAIL_RETRY_MAX_SECONDS = env_int("MAIL_RETRY_MAX_SECONDS", 6 * 3600)
    MAIL_LEASE_SECONDS = env_int("MAIL_LEASE_SECONDS", 900)  # a claim left `sending` this long is retried
    MAIL_BATCH_SIZE = env_int("MAIL_BATCH_SIZE", 50)
    MAIL_WORKER_INTERVAL = env_int("MAIL_WORKER_INTERVAL", 10)  # seconds between `flask mail worker` passes
    # "Lupa kata sandi": the e-mailed link's life, requests per NIP and per address, and the least time
    # every answer takes (so a known NIP, with its writes, answers no slower than an unknown one).
    RESET_LINK_MINUTES = env_int("LMS_RESET_LINK_MINUTES", 30)
    RESET_LIMIT_PER_NIP = env_str("LMS_RESET_LIMIT_PER_NIP", "5 per hour")
    RESET_LIMIT_PER_IP = env_str("LMS_RESET_LIMIT_PER_IP", "30 per hour")
    RESET_ANSWER_SECONDS = env_float("LMS_RESET_ANSWER_SECONDS", 0.5)

    # Languages
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = env_str("LMS_TIMEZONE", "Asia/Jakarta")
    LANGUAGES = ("id", "en")

    # Cookies and sessions
    SESSION_COOKIE_NAME = "lentera_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_NAME = "lentera_remember"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = env_int("LMS_REMEMBER_DAYS", 30) * 86400
    # A logged-in session ends after this long without a request, and this long after login at the
    # latest; "Ingat saya" then opens a new one from the remember cookie (lms/accounts/sessions.py).
    IDLE_MINUTES = env_int("LMS_IDLE_MINUTES", 120)
    SESSION_HOURS = env_int("LMS_SESSION_HOURS", 12)
    # The device cookie: a browser where an account logged in before gets past that NIP's login block
    # with the right password (lms/accounts/devices.py).
    DEVICE_COOKIE_NAME = "lentera_device"
    DEVICE_COOKIE_SECURE = False
    DEVICE_COOKIE_DAYS = env_int("LMS_DEVICE_DAYS", 365)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: no lost forms after a long read
    MAX_CONTENT_LENGTH = env_int("LMS_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
    # Authoring in the browser (lms/authoring): `required` — a kurator or admin publishes a trainer's draft;
    # `optional` — an owner may publish her own. Uploaded ZIPs: at most this many files, this many bytes once
    # unpacked, this compression ratio per file (a ZIP bomb), and this size per file (the checker's 1 MB).
    CONTENT_REVIEW = env_str("LMS_CONTENT_REVIEW", "required")
    AUTHORING_ZIP_MAX_FILES = env_int("LMS_AUTHORING_ZIP_MAX_FILES", 300)
    AUTHORING_ZIP_MAX_BYTES = env_int("LMS_AUTHORING_ZIP_MAX_BYTES", 20 * 1024 * 1024)
    AUTHORING_ZIP_MAX_RATIO = env_int("LMS_AUTHORING_ZIP_MAX_RATIO", 100)
    AUTHORING_MAX_FILE_BYTES = env_int("LMS_AUTHORING_MAX_FILE_BYTES", 1024 * 1024)
    # A certificate PDF of training outside Lentera (lms/external); a request is still capped by the above.
    LMS_EXTERNAL_PDF_MAX_BYTES = env_int("LMS_EXTERNAL_PDF_MAX_BYTES", 5 * 1024 * 1024)
    HSTS = False

    # Behind a reverse proxy (nginx): how many proxies in front of the app set X-Forwarded-For/-Proto/-Host.
    # 0 (the default) trusts no such header, so a client cannot fake its address to dodge the login limit.
    PROXY_FIX = env_int("LMS_PROXY_FIX", 0)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = env_bool("FLASK_DEBUG", False)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = env_str("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = True
    LMS_PUBLIC_URL = "http://lentera.test"
    LMS_CERT_SIGNING_P12 = None  # tests that sign configure a throwaway key themselves
    LMS_CERT_SIGNING_PASSWORD = None
    MAIL_SERVER = None  # the console; tests of sending start an SMTP server (aiosmtpd) and set it
    MAIL_DEFAULT_SENDER = "Lentera <no-reply@lentera.test>"
    RESET_ANSWER_SECONDS = 0.0  # the test of equal answers sets it itself
    # Tests of other things press "Tandai selesai" at once; the tests of the time rule (tests/learning/
    # test_time_on_task.py, the browser test) set the real default, Config.MIN_TIME_SHARE, themselves.
    MIN_TIME_SHARE = 0.0


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEBUG = False
    SESSION_COOKIE_NAME = "__Host-lentera_session"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_NAME = "__Host-lentera_remember"
    REMEMBER_COOKIE_SECURE = True
    DEVICE_COOKIE_NAME = "__Host-lentera_device"
    DEVICE_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    # Mail is on when an SMTP server is named; LMS_MAIL_ENABLED=1 without one refuses to start.
    LMS_MAIL_ENABLED = env_bool("LMS_MAIL_ENABLED", env_str("MAIL_SERVER") is not None)
    MAIL_DEFAULT_SENDER = env_str("MAIL_DEFAULT_SENDER")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The configuration class for LMS_ENV; unknown names are refused rather than guessed."""
    key = (name or "development").strip().lower()
    if key not in CONFIGS:
        raise ValueError(f"LMS_ENV={name!r} tidak dikenal; pilih salah satu: {', '.join(CONFIGS)}")
    return CONFIGS[key]
