"""The device cookie: a browser where an account logged in successfully before, for the login throttle.

NIPs are semi-public, so anyone can type ten wrong passwords for someone's NIP and block it. A browser
that has logged in to that NIP before carries a signed cookie saying so, and the throttle lets the
right password from it through that block (lms/accounts/throttle.py).

The cookie holds a random id for the browser and, for each of the last few accounts that logged in
there, a keyed digest of the NIP (never the NIP itself: on a shared office PC the cookie tells nobody
who used it). It is signed with SECRET_KEY and HttpOnly; in production Secure with the `__Host-` prefix,
like the session cookie. It proves nothing by itself: whoever holds it must still give the right
password, and wrong passwords from it count on the device as well as on the NIP, so a stolen device
cookie buys a guesser one more limit's worth of tries per window, and no login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

_SALT = "lentera-device"
_MAX_ACCOUNTS = 8  # a shared office PC: the last eight people who logged in there


@dataclass(frozen=True)
class Device:
    id: str
    tags: tuple[str, ...]

    def knows(self, nip: str) -> bool:
        """True when an account with this NIP has logged in from this browser."""
        return _tag(nip) in self.tags


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _tag(nip: str) -> str:
    key = hashlib.sha256(f"{_SALT}:{current_app.secret_key}".encode()).digest()
    return hmac.new(key, nip.encode(), hashlib.sha256).hexdigest()[:24]


def read(cookies: Mapping[str, str]) -> Device | None:
    """The device the request's cookie describes, or None when it is missing, forged, or too old."""
    raw = cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=current_app.config["DEVICE_COOKIE_DAYS"] * 86400)
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    device_id, tags = data.get("d"), data.get("n")
    if not isinstance(device_id, str) or not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return None
    return Device(device_id, tuple(tags[:_MAX_ACCOUNTS]))


def remember(response: Response, device: Device | None, nip: str) -> None:
    """After a successful login: the browser's cookie, now also naming this NIP, valid for DEVICE_COOKIE_DAYS."""
    tag = _tag(nip)
    if device is None:
        device = Device(secrets.token_urlsafe(16), ())
    tags = (tag, *(t for t in device.tags if t != tag))[:_MAX_ACCOUNTS]
    config = current_app.config
    response.set_cookie(
        config["DEVICE_COOKIE_NAME"],
        _serializer().dumps({"d": device.id, "n": list(tags)}),
        max_age=config["DEVICE_COOKIE_DAYS"] * 86400,
        path="/",
        secure=config["DEVICE_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
