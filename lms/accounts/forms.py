"""Forms of the accounts domain (Flask-WTF: CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.accounts.models import ROLE_LABELS, ROLES
from lms.forms import Form


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(Form):
    nip = StringField(
        _l("NIP"),
        validators=[DataRequired(_l("NIP wajib diisi."))],
        render_kw={"autocomplete": "username", "inputmode": "numeric"},
    )
    password = PasswordField(
        _l("Kata sandi atau kode aktivasi"),
        validators=[DataRequired(_l("Kata sandi wajib diisi."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Ingat saya"))
    next = HiddenField()


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Kata sandi saat ini"), render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(_l("Kata sandi baru wajib diisi.")), Length(min=8, message=_l("Minimal 8 karakter."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[
            DataRequired(_l("Ulangi kata sandi baru.")),
            EqualTo("new_password", _l("Kedua kata sandi tidak sama.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(Form):
    nip = StringField(
        _l("NIP"),
        validators=[DataRequired(_l("NIP wajib diisi.")), Length(max=40, message=_l("NIP terlalu panjang."))],
        render_kw={"autocomplete": "username", "inputmode": "numeric"},
    )


class ResetPasswordForm(Form):
    new_password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(_l("Kata sandi baru wajib diisi.")), Length(min=8, message=_l("Minimal 8 karakter."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[
            DataRequired(_l("Ulangi kata sandi baru.")),
            EqualTo("new_password", _l("Kedua kata sandi tidak sama.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class UserForm(Form):
    nip = StringField(_l("NIP"), validators=[DataRequired(_l("NIP wajib diisi."))], render_kw={"inputmode": "numeric"})
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=200)])
    email = StringField(_l("Email (opsional)"), validators=[Optional(), Length(max=254)])
    opd_id = SelectField(_l("OPD"), coerce=int, validators=[Optional()])
    unit_kerja = StringField(_l("Unit kerja"), validators=[Optional(), Length(max=200)])
    jabatan = StringField(_l("Jabatan"), validators=[Optional(), Length(max=200)])
    pangkat_golongan = StringField(_l("Pangkat/golongan (opsional)"), validators=[Optional(), Length(max=100)])
    roles = MultiCheckboxField(_l("Peran"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])


class ImportForm(Form):
    file = FileField(_l("Berkas CSV"), validators=[FileRequired(_l("Pilih berkas CSV."))])
    full_roster = BooleanField(
        _l("Roster lengkap: nonaktifkan akun aktif di OPD dalam berkas yang tidak tercantum di berkas")
    )


class ConfirmImportForm(Form):
    """The previewed file, the mode, and the fingerprint of the plan the admin saw (see roster.RosterPlan)."""

    payload = HiddenField(validators=[DataRequired()])
    mode = HiddenField()  # "full" for the full roster
    fingerprint = HiddenField()
    # How the new accounts' activation codes reach them (lms.accounts.services.CODE_DELIVERIES).
    codes = RadioField(
        _l("Kode aktivasi akun baru"),
        choices=[
            SelectChoice("show", _l("Tampilkan di layar untuk diunduh atau dicetak")),
            SelectChoice("email", _l("Kirim lewat email (yang tanpa email ditampilkan di layar)")),
            SelectChoice("both", _l("Keduanya: kirim lewat email dan tampilkan semua di layar")),
        ],
        default="show",
    )


class MailPreferencesForm(Form):
    wants_optional_mail = BooleanField(
        _l("Kirimi saya email opsional (misalnya ringkasan mingguan untuk HR)"),
    )


class OpdForm(Form):
    name = StringField(_l("Nama OPD"), validators=[DataRequired(_l("Nama OPD wajib diisi.")), Length(max=200)])
    code = StringField(
        _l("Kode OPD (opsional)"),
        validators=[Optional(), Length(max=20)],
    )
    is_active = BooleanField(_l("Aktif"), default=True)


class PostForm(Form):
    """A form with nothing but its CSRF token, for buttons that change state."""
