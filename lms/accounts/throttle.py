"""Throttling of password checks: each check is counted before it runs, so parallel guesses cannot pass the limit.

The counters live in the `limits` storage named by RATELIMIT_STORAGE_URI (the library Flask-Limiter is
built on): `memory://` for one process, `redis://` shared by every app server. Each counter is raised
with one atomic increment-with-expiry (a Lua INCRBY + EXPIRE in Redis, a lock in memory) *before* the
password is checked, and the attempt is refused when its own increment went past the limit. So of N
simultaneous guesses at most the limit are checked, whatever the timing, on one server or several.

Rules (fixed windows of the configured length):

- **per NIP** (LOGIN_LIMIT_PER_NIP): failed logins for one NIP, from anywhere;
- **per address** (LOGIN_LIMIT_PER_IP): failed logins from one address, where each NIP adds at most
  the per-NIP limit, so one person (or a guesser at one NIP) cannot lock a whole office behind one NAT
  address out; a guesser spraying many NIPs still is;
- **per device**: a browser holding the signed device cookie of this NIP (lms/accounts/devices.py) is
  let through both blocks, so the right password still works while someone else keeps the NIP
  blocked; its own failures count on the device, which gets the per-NIP limit of its own;
- **current password** on "Ganti kata sandi": per account, the per-NIP limit.

A check that succeeds is refunded (the counters then hold failures only); an attempt that is refused
is refunded too (no password was checked), so hammering a blocked NIP does not lengthen or spread the
block.

When the shared storage (Redis) does not answer, the counters move to this process's memory for
FALLBACK_SECONDS and the error is logged: logins keep working and are still throttled (per process, so
a guesser gets at most the limit per app worker) instead of failing with a 500; then Redis is tried again.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string

from lms.errors import DomainError

EXTENSION = "lms_throttle"
FALLBACK_SECONDS = 30
log = logging.getLogger(__name__)
# Bounds the key of whatever was typed into the NIP box (normalised NIPs are 18 digits).
_KEY_LENGTH = 32


class TooManyAttempts(DomainError):
    """Too many failed password checks: the attempt was refused without checking the password."""

    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Counters:
    """The configured storage, or this process's memory while that storage does not answer.

    Offers the few `limits` storage calls a Charge makes. Every call goes to the shared storage unless it
    failed within the last FALLBACK_SECONDS; a failing call is logged and answered from memory.
    """

    def __init__(self, shared: Storage, fallback_seconds: float = FALLBACK_SECONDS) -> None:
        self.shared = shared
        self.memory = MemoryStorage()
        self.fallback_seconds = fallback_seconds
        self.down_until = 0.0

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() >= self.down_until:
            try:
                return getattr(self.shared, name)(*args, **kwargs)
            except self.shared.base_exceptions as exc:
                self.down_until = time.monotonic() + self.fallback_seconds
                log.error(
                    "login throttle: the counter storage does not answer (%s); counting in this process's "
                    "memory for %d s",
                    exc.__class__.__name__,
                    self.fallback_seconds,
                )
        return getattr(self.memory, name)(*args, **kwargs)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount=amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def reset(self) -> None:
        self.memory.reset()
        self._call("reset")


def init_app(app: Flask) -> None:
    """Give the app its counter storage (no I/O: a Redis client connects on first use)."""
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    if not enabled:
        app.extensions[EXTENSION] = None
        return
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions[EXTENSION] = storage if isinstance(storage, MemoryStorage) else Counters(storage)


def reset(app: Flask) -> None:
    """Forget every counter, as when their windows have passed (tests)."""
    storage = app.extensions.get(EXTENSION)
    if storage is not None:
        storage.reset()


@dataclass
class Charge:
    """The counters one attempt raised; `refund()` takes them back (a success, or a refused attempt)."""

    storage: Storage | Counters | None
    raised: list[tuple[str, int]] = field(default_factory=list)

    def hit(self, key: str, limit: RateLimitItem) -> int:
        """Raise the counter atomically (its window starts at its first hit); the count including this hit."""
        assert self.storage is not None
        expiry = limit.get_expiry()
        count = self.storage.incr(key, expiry)
        self.raised.append((key, expiry))
        return count

    def refund(self) -> None:
        if self.storage is None:
            return
        for key, expiry in self.raised:
            self.storage.incr(key, expiry, amount=-1)
        self.raised.clear()

    def seconds_left(self, key: str) -> int:
        assert self.storage is not None
        return max(0, math.ceil(self.storage.get_expiry(key) - time.time()))


def _storage() -> Storage | Counters | None:
    return current_app.extensions.get(EXTENSION)


def _limit(setting: str) -> RateLimitItem:
    return parse(current_app.config[setting])


def charge_login(nip: str, ip: str, device_id: str | None = None) -> Charge:
    """Count a login attempt before its password is checked; TooManyAttempts when it must not be checked.

    `device_id` is the id of the signed device cookie when that cookie belongs to this NIP (the browser
    logged in to it before). The caller refunds the charge when the password was right.
    """
    charge = Charge(_storage())
    if charge.storage is None:
        return charge
    per_nip, per_ip = _limit("LOGIN_LIMIT_PER_NIP"), _limit("LOGIN_LIMIT_PER_IP")
    nip, ip = nip[:_KEY_LENGTH], ip[:64]
    nip_key, ip_key = f"login-nip:{nip}", f"login-ip:{ip}"

    nip_blocked = charge.hit(nip_key, per_nip) > per_nip.amount
    if charge.hit(f"login-nip-ip:{nip}:{ip}", per_ip) <= per_nip.amount:
        ip_blocked = charge.hit(ip_key, per_ip) > per_ip.amount
    else:  # this NIP has had its share of the address's failures: it adds no more
        ip_blocked = charge.storage.get(ip_key) >= per_ip.amount
    trusted = device_id is not None and charge.hit(f"login-device:{device_id}", per_nip) <= per_nip.amount
    if trusted or not (nip_blocked or ip_blocked):
        return charge

    wait = max(charge.seconds_left(nip_key) if nip_blocked else 0, charge.seconds_left(ip_key) if ip_blocked else 0)
    current_app.logger.warning(
        "login refused: too many failed attempts for the %s, from %s", "NIP" if nip_blocked else "address", ip
    )
    if nip_blocked:
        raise _refuse(charge, wait, _("Terlalu banyak percobaan masuk yang gagal untuk NIP ini."))
    raise _refuse(charge, wait, _("Terlalu banyak percobaan masuk yang gagal dari jaringan ini."))


def charge_password_check(user_id: int) -> Charge:
    """Count a check of the current password ("Ganti kata sandi") before it runs; TooManyAttempts past the limit."""
    charge = Charge(_storage())
    if charge.storage is None:
        return charge
    per_nip = _limit("LOGIN_LIMIT_PER_NIP")
    key = f"password-check:{user_id}"
    if charge.hit(key, per_nip) <= per_nip.amount:
        return charge
    current_app.logger.warning("password change refused: too many wrong current passwords for user %s", user_id)
    raise _refuse(
        charge, charge.seconds_left(key), _("Terlalu banyak percobaan dengan kata sandi saat ini yang salah.")
    )


def charge_reset_request(nip: str, ip: str) -> None:
    """Count a "Lupa kata sandi" request (whether its NIP exists or not, so the limit tells nothing) per NIP
    and per address; TooManyAttempts past RESET_LIMIT_PER_NIP or RESET_LIMIT_PER_IP. Never refunded:
    each request may send an e-mail."""
    charge = Charge(_storage())
    if charge.storage is None:
        return
    per_nip, per_ip = _limit("RESET_LIMIT_PER_NIP"), _limit("RESET_LIMIT_PER_IP")
    nip_key, ip_key = f"reset-nip:{nip[:_KEY_LENGTH]}", f"reset-ip:{ip[:64]}"
    if charge.hit(nip_key, per_nip) > per_nip.amount:
        current_app.logger.warning("password reset refused: too many requests for one NIP, from %s", ip)
        raise _refuse(
            charge, charge.seconds_left(nip_key), _("Terlalu banyak permintaan atur ulang kata sandi untuk NIP ini.")
        )
    if charge.hit(ip_key, per_ip) > per_ip.amount:
        current_app.logger.warning("password reset refused: too many requests from %s", ip)
        raise _refuse(
            charge, charge.seconds_left(ip_key), _("Terlalu banyak permintaan atur ulang kata sandi dari jaringan ini.")
        )


def _refuse(charge: Charge, wait: int, reason: str) -> TooManyAttempts:
    """Take the refused attempt's hits back (no password was checked) and say when to try again."""
    charge.refund()
    minutes = max(1, math.ceil(wait / 60))
    when = ngettext(
        "Demi keamanan, coba lagi dalam %(num)d menit.", "Demi keamanan, coba lagi dalam %(num)d menit.", minutes
    )
    return TooManyAttempts(f"{reason} {when}", wait)
