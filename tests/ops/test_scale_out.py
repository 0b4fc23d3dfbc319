"""Two app servers, one PostgreSQL and one Redis: a session, the progress and the login limit are shared.

Nothing is kept on an app server's disk or memory between requests: a learner can log in on one server,
go on on the other, and a password guesser cannot double their tries by spreading them over both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from bench.servers import Gunicorn
from lms.extensions import db
from tests.conftest import TEST_PASSWORD, create_user
from tests.learning.helpers import make_module
from tests.ops.conftest import dispose, make_app

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

LIMIT_PER_NIP = 4


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(http: requests.Session, base: str, nip: str, password: str) -> requests.Response:
    token = csrf(http.get(f"{base}/login").text)
    return http.post(
        f"{base}/login", data={"csrf_token": token, "nip": nip, "password": password}, allow_redirects=False
    )


@pytest.fixture
def redis_db(redis_url) -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield redis_url
    client.flushdb()
    client.close()


@pytest.fixture
def two_servers(throwaway_pg, redis_db, tmp_path) -> Iterator[tuple[Gunicorn, Gunicorn, str]]:
    """Two gunicorn processes on their own ports with the same SECRET_KEY, database and Redis."""
    app = make_app(throwaway_pg)
    with app.app_context():
        make_module(tmp_path / "content", "dasar-digital")  # three lessons
        nip = create_user(name="Sri Rahayu Skala").nip
        db.session.remove()
    dispose(app)
    env = {
        "LMS_ENV": "development",
        "SECRET_KEY": "scale-out-test-secret-key-shared-by-both-servers",
        "DATABASE_URL": throwaway_pg,
        "RATELIMIT_STORAGE_URI": redis_db,
        "LMS_LOGIN_LIMIT_PER_NIP": f"{LIMIT_PER_NIP} per 15 minutes",
        "LMS_LOGIN_LIMIT_PER_IP": "1000 per 15 minutes",
        "LMS_MIN_TIME_SHARE": "0",  # this test presses "Tandai selesai" at once; the time rule has its own tests
    }
    servers = []
    try:
        for name in ("a", "b"):
            log = (tmp_path / f"gunicorn-{name}.log").open("w")
            servers.append(Gunicorn(workers=1, env=env, log=log).start())
        yield servers[0], servers[1], nip
    finally:
        for server in servers:
            server.stop()


def test_log_in_on_one_server_and_continue_on_the_other(two_servers):
    a, b, nip = two_servers
    assert a.port != b.port
    http = requests.Session()  # cookies are per host, not per port: both servers see the same session
    response = login(http, a.url, nip, TEST_PASSWORD)
    assert response.status_code == 302, response.text[:300]

    profile = http.get(f"{b.url}/akun", allow_redirects=False)
    assert profile.status_code == 200
    assert "Sri Rahayu Skala" in profile.text

    # A lesson marked done on A is progress on B; one marked done on B is progress on A.
    lesson = "/modul/dasar-digital/pelajaran/pengantar"
    token = csrf(http.get(f"{a.url}{lesson}").text)
    done = http.post(f"{a.url}{lesson}/selesai", data={"csrf_token": token}, allow_redirects=False)
    assert done.status_code == 302
    assert "1 dari 3 pelajaran selesai" in http.get(f"{b.url}/modul/dasar-digital").text

    lesson = "/modul/dasar-digital/pelajaran/inti"
    token = csrf(http.get(f"{b.url}{lesson}").text)
    done = http.post(f"{b.url}{lesson}/selesai", data={"csrf_token": token}, allow_redirects=False)
    assert done.status_code == 302
    assert "2 dari 3 pelajaran selesai" in http.get(f"{a.url}/modul/dasar-digital").text
    # "Lanjutkan belajar" on A points at the lesson after the one she finished on B.
    assert "/modul/dasar-digital/pelajaran/penutup" in http.get(f"{a.url}/beranda").text


def test_the_login_limit_is_shared_by_both_servers(two_servers, redis_db):
    import redis

    a, b, nip = two_servers
    http = requests.Session()
    for attempt in range(LIMIT_PER_NIP):
        server = (a, b)[attempt % 2]  # spread over both: each server alone saw only half of them
        assert login(http, server.url, nip, "Salah-Sandi-123").status_code == 200
    for server in (a, b):
        refused = login(http, server.url, nip, TEST_PASSWORD)
        assert refused.status_code == 429, (server.url, refused.status_code)
        assert "Terlalu banyak percobaan" in refused.text
    assert any(b"login-nip" in key for key in redis.Redis.from_url(redis_db).keys("*"))


def test_parallel_guesses_spread_over_both_servers_get_no_more_checks_than_the_limit(two_servers):
    """16 simultaneous wrong passwords, half to each server: only the limit's worth is checked (counted in
    Redis before the check), the others are refused, and the right password is refused after them too."""
    import threading

    a, b, nip = two_servers
    guesses = 16
    clients = [(requests.Session(), (a, b)[i % 2].url) for i in range(guesses)]
    tokens = [csrf(http.get(f"{base}/login").text) for http, base in clients]
    start = threading.Barrier(guesses)
    statuses: list[int] = []

    def guess(http: requests.Session, base: str, token: str) -> None:
        start.wait()
        data = {"csrf_token": token, "nip": nip, "password": "Salah-Sandi-123"}
        statuses.append(http.post(f"{base}/login", data=data, allow_redirects=False).status_code)

    threads = [
        threading.Thread(target=guess, args=(*client, token)) for client, token in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * LIMIT_PER_NIP + [429] * (guesses - LIMIT_PER_NIP)
    assert login(requests.Session(), b.url, nip, TEST_PASSWORD).status_code == 429
