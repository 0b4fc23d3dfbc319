"""Trainers' module list and the media files lessons link to."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from lms.accounts.models import ADMIN, PELATIH
from lms.content import queries
from lms.content.display import scrollable_tables
from lms.security import role_required

content = Blueprint("content", __name__)

ONE_YEAR = 31536000


@content.app_template_filter("content_html")
def content_html(value: str | None) -> Markup:
    """A lesson's, quiz's or module's stored HTML (sanitised when synced) ready for the page: its tables
    scroll in their own box. The one way templates insert content HTML."""
    return Markup(
        scrollable_tables(
            value or "",
            label=_("Tabel (geser ke samping untuk melihat semua kolom)"),
            hint=_("↔ Geser tabel ke samping bila ada kolom yang terpotong."),
        )
    )


@content.route("/pelatih/modul")
@role_required(PELATIH, ADMIN)
def modules():
    return render_template("content/modules.html", modules=queries.all_modules())


@content.route("/media/<sha256>/<path:name>")
def media(sha256: str, name: str):
    """Content-addressed media: the URL changes when the bytes do, so it may be cached for a year."""
    etag = f'"{sha256}"'
    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers={"ETag": etag, "Cache-Control": f"public, max-age={ONE_YEAR}, immutable"})
    blob = queries.media_blob(sha256)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={ONE_YEAR}, immutable",
        "Content-Length": str(blob.size),
    }
    if blob.content_type == "image/svg+xml":
        # An SVG opened on its own must not run script: sandbox it.
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return Response(blob.data, mimetype=blob.content_type, headers=headers)
