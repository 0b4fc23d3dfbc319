"""Trainers' module list and the media files lessons link to."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from lms.accounts.models import ADMIN, KURATOR, PELATIH
from lms.content import queries
from lms.content.display import scrollable_tables
from lms.content.media import MEDIA_CSP, OPAQUE_CONTENT_TYPE, download_name, served_type
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
@role_required(PELATIH, KURATOR, ADMIN)
def modules():
    return render_template("content/modules.html", modules=queries.all_modules())


@content.route("/media/<sha256>/<path:name>")
def media(sha256: str, name: str):
    """Content-addressed media: the URL changes when the bytes do, so it may be cached for a year.

    Rules: every response (the 304 too) is sandboxed and never sniffed; a file is served as its allowed
    type only when its bytes are that type, images inline and other files as a download; anything else
    (a row synced before types were checked) is opaque data to download, never a page of this site.
    """
    headers = {
        "ETag": f'"{sha256}"',
        "Cache-Control": f"public, max-age={ONE_YEAR}, immutable",
        "Content-Security-Policy": MEDIA_CSP,
        "X-Content-Type-Options": "nosniff",
    }
    if headers["ETag"] in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    blob = queries.media_blob(sha256)
    media_type = served_type(blob.content_type, blob.data)
    response = Response(
        blob.data,
        mimetype=media_type.content_type if media_type else OPAQUE_CONTENT_TYPE,
        headers={**headers, "Content-Length": str(blob.size)},
    )
    if media_type is None or not media_type.is_inline:
        response.headers.set("Content-Disposition", "attachment", filename=download_name(name, media_type))
    return response
