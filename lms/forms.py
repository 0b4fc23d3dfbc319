"""The base of every form: Flask-WTF (CSRF on every POST), rendered so that several forms fit one page."""

from __future__ import annotations

from flask_wtf import FlaskForm


class Form(FlaskForm):
    """A FlaskForm whose hidden CSRF field carries no `id`: a page with two forms (revoke and reissue, say)
    would otherwise hold `id="csrf_token"` twice. Nothing refers to that field by id."""

    class Meta:
        def render_field(self, field, render_kw):
            if field.type == "CSRFTokenField":
                render_kw = {**render_kw, "id": False}
            return super().render_field(field, render_kw)
