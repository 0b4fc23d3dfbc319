"""Behind nginx: X-Forwarded-* is trusted only when LMS_PROXY_FIX says how many proxies set it."""

from __future__ import annotations

from flask import request, url_for

from tests.ops.conftest import dispose, make_app

FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "lentera.example"}


def _echo_app(tmp_path, **settings):
    app = make_app(f"sqlite:///{tmp_path / 'proxy.sqlite'}", **settings)
    app.add_url_rule(
        "/_whoami", "whoami", lambda: {"ip": request.remote_addr, "url": url_for("core.index", _external=True)}
    )
    return app


def test_forwarded_headers_are_ignored_by_default(tmp_path):
    """Without a proxy, a client that sends X-Forwarded-For cannot pick its address (and dodge the limit)."""
    app = _echo_app(tmp_path)
    try:
        seen = app.test_client().get("/_whoami", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.5"})
        assert seen.get_json() == {"ip": "10.0.0.5", "url": "http://localhost/"}
    finally:
        dispose(app)


def test_proxy_fix_takes_the_client_address_scheme_and_host_from_the_proxy(tmp_path):
    app = _echo_app(tmp_path, PROXY_FIX=1)
    try:
        seen = app.test_client().get("/_whoami", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert seen.get_json() == {"ip": "203.0.113.7", "url": "https://lentera.example/"}
    finally:
        dispose(app)
