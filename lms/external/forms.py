"""Forms of external training (Flask-WTF: CSRF on every one). The rules are checked by services.clean_training,
shared with the CSV import; the forms carry the fields, their labels and the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from lms.external.models import KIND_LABELS, KINDS, STATUS_LABELS, STATUSES
from lms.forms import Form

FIELDS = ("name", "organiser", "kind", "start_on", "end_on", "jp", "certificate_number")


class TrainingForm(Form):
    name = StringField(_l("Nama pelatihan"), render_kw={"maxlength": 300, "autocomplete": "off"})
    organiser = StringField(_l("Penyelenggara"), render_kw={"maxlength": 200})
    kind = SelectField(_l("Jenis"), choices=[])
    start_on = StringField(_l("Tanggal mulai"), render_kw={"type": "date"})
    end_on = StringField(_l("Tanggal selesai"), render_kw={"type": "date"})
    jp = StringField(_l("Jumlah JP"), render_kw={"inputmode": "numeric", "pattern": "[0-9]*", "maxlength": 4})
    certificate_number = StringField(_l("Nomor sertifikat (jika ada)"), render_kw={"maxlength": 100})
    certificate = FileField(_l("Sertifikat (PDF)"), render_kw={"accept": ".pdf,application/pdf"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(key, str(KIND_LABELS[key])) for key in KINDS]
        self.kind.validate_choice = False  # checked by clean_training, with its own message

    def values(self) -> dict[str, str]:
        return {key: getattr(self, key).data or "" for key in FIELDS}

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            getattr(self, key).errors = [message]


class RejectForm(Form):
    reason = TextAreaField(_l("Alasan penolakan"), render_kw={"maxlength": 1000, "rows": 3})


class ImportForm(Form):
    file = FileField(_l("Berkas CSV"), validators=[FileRequired(_l("Pilih berkas CSV."))])


class ConfirmImportForm(Form):
    payload = HiddenField(validators=[DataRequired()])


STATUS_CHOICES = [("", _l("Semua status"))] + [(s, STATUS_LABELS[s]) for s in STATUSES]


class PostForm(Form):
    """A bare POST with its CSRF token (withdraw, approve, delete)."""
