"""Rendering a message from lms/templates/mail/<name>.txt and .html in the recipient's language.

`<name>.txt` is the plain text and sets the subject at its top (`{% set subject = _("…") %}`);
`<name>.html` is the same message as simple HTML (`mail/_layout.html`). Both are rendered with the
recipient's locale forced (Flask-Babel), so an English speaker gets English whatever the language of
the request or command that queued the message. Links are absolute, built from LMS_PUBLIC_URL
(`public_link`): a message carries no other link and no image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale

from lms.urls import public_url

TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def mail_locale(locale: str | None) -> str:
    """The language a message is written in: the recipient's when Lentera speaks it, else the default."""
    languages = current_app.config["LANGUAGES"]
    return locale if locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def public_link(endpoint: str, **values) -> str:
    """The absolute address of a Lentera page for a message: LMS_PUBLIC_URL and the page's path.

    Works outside a request too (a command that queues messages), where `url_for` has no host to use.
    """
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return public_url() + path


def render_mail(template: str, context: dict, locale: str | None) -> RenderedMail:
    """The subject, text and HTML of `template` for `context`, in `locale`. Raises ValueError for a
    malformed template name and jinja2's TemplateNotFound for a missing one."""
    if not TEMPLATE_NAME.match(template or ""):
        raise ValueError(f"template name {template!r} is not a mail template name")
    env = current_app.jinja_env
    with force_locale(mail_locale(locale)):
        values = dict(context)
        values.setdefault("lms_name", current_app.config["LMS_NAME"])
        values.setdefault("home_url", public_url() + "/")
        current_app.update_template_context(values)
        text_module = env.get_template(f"mail/{template}.txt").make_module(values)
        subject = " ".join(str(getattr(text_module, "subject", "")).split())
        text = str(text_module).strip() + "\n"
        if not subject:
            raise ValueError(f"mail/{template}.txt sets no subject")
        html = env.get_template(f"mail/{template}.html").render({**values, "subject": subject})
    return RenderedMail(subject=subject[:300], text=text, html=html)
