"""Forms of the authoring pages (CSRF on each)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.forms import Form


class NewModuleForm(Form):
    slug = StringField(_l("Nama folder modul (slug)"), validators=[DataRequired(), Length(max=100)])
    title = StringField(_l("Judul modul"), validators=[DataRequired(), Length(max=200)])


class UploadZipForm(Form):
    archive = FileField(_l("Berkas ZIP folder modul"), validators=[FileRequired()])


class EditForm(Form):
    revision = HiddenField()
    text = TextAreaField(_l("Isi berkas"), validators=[Optional()])


class AddFileForm(Form):
    revision = HiddenField()
    name = StringField(_l("Nama berkas baru (mis. 02-kata-sandi.md)"), validators=[Optional(), Length(max=200)])
    upload = FileField(_l("Atau unggah berkas (Markdown atau media)"))


class RenameForm(Form):
    revision = HiddenField()
    new_name = StringField(_l("Nama baru"), validators=[DataRequired(), Length(max=200)])


class RevisionForm(Form):
    revision = HiddenField()


class ReturnForm(Form):
    comment = TextAreaField(_l("Alasan pengembalian"), validators=[DataRequired(), Length(max=5000)])


class OwnerForm(Form):
    nip = StringField(_l("NIP pelatih"), validators=[DataRequired(), Length(max=40)])
