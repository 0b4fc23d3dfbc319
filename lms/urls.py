"""The public address of this Lentera: where QR codes, printed links and code slips send people."""

from __future__ import annotations

from flask import current_app, has_request_context, request

from config import DEVELOPMENT_PUBLIC_URL


def public_url() -> str:
    """The address verification URLs (QR codes, HR's links and exports) and printed login links start
    with: LMS_PUBLIC_URL.

    Unset, which only development allows (production refuses to start), it is the address this request
    came to, so `PORT=8000 make run` or `flask run --port 8000` issue QR codes that lead to the server that
    is running; outside a request (a command line), `flask run`'s default address.
    """
    configured = current_app.config.get("LMS_PUBLIC_URL")
    if configured:
        return configured.strip().rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEVELOPMENT_PUBLIC_URL
