"""Forms of the HR desk (Flask-WTF: CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from lms.certificates.models import REISSUED, REVOKE_CATEGORIES


class RevokeForm(FlaskForm):
    category = SelectField(
        _l("Kategori alasan (tampil di halaman verifikasi)"),
        choices=[SelectChoice("", _l("— pilih —"))]
        + [SelectChoice(key, _l(label)) for key, label in REVOKE_CATEGORIES.items() if key != REISSUED],
        validators=[DataRequired(_l("Pilih kategori alasan."))],
    )
    reason = TextAreaField(
        _l("Alasan pencabutan (dicatat; tidak tampil untuk umum)"),
        validators=[
            DataRequired(_l("Alasan pencabutan wajib diisi.")),
            Length(max=2000, message=_l("Maksimal 2000 karakter.")),
        ],
        render_kw={"rows": 3},
        # Both forms of the certificate page have a `reason`: distinct ids, so each label names its own.
        id="revoke-reason",
    )


class ReissueForm(FlaskForm):
    reason = TextAreaField(
        _l("Alasan penerbitan ulang (misalnya: nama diperbaiki)"),
        validators=[
            DataRequired(_l("Alasan penerbitan ulang wajib diisi.")),
            Length(max=2000, message=_l("Maksimal 2000 karakter.")),
        ],
        render_kw={"rows": 2},
        id="reissue-reason",
    )


class ConfirmForm(FlaskForm):
    """A bare POST with its CSRF token (e.g. 'Terbitkan sertifikat yang tertunda')."""
