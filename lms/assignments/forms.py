"""Forms of the HR desk's assignments (Flask-WTF: CSRF on every one). The rules live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.assignments.models import TARGET_KINDS, TARGET_LABELS
from lms.forms import Form
from lms.params import MAX_YEAR, MIN_YEAR

DATE_ERROR = _l("Isi tanggal dengan format yang benar (hari-bulan-tahun), antara tahun 2000 dan 2100.")


class IsoDateField(DateField):
    """An <input type="date">: YYYY-MM-DD, years 2000–2100, with a message in the page's language."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(DATE_ERROR)) from None
        if self.data is not None and not MIN_YEAR <= self.data.year <= MAX_YEAR:
            self.data = None
            raise ValueError(str(DATE_ERROR))


class CheckboxList(SelectMultipleField):
    """Several choices as checkboxes, each labelled: usable at 360 px without a multi-select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:  # an unknown value is refused by the service, with its message
        pass


class AssignmentForm(Form):
    # Unknown choices are refused by the service, with its own message (not WTForms' English one).
    module = SelectField(
        _l("Modul"), validators=[DataRequired(_l("Pilih modul yang akan ditugaskan."))], validate_choice=False
    )
    target_kind = RadioField(
        _l("Sasaran"),
        choices=[SelectChoice(kind, TARGET_LABELS[kind]) for kind in TARGET_KINDS],
        validators=[InputRequired(_l("Pilih sasaran penugasan."))],
        default="opd",
        validate_choice=False,
    )
    opd_ids = CheckboxList(_l("OPD"), choices=[])
    employee_type = RadioField(
        _l("Jenis pegawai"), choices=[SelectChoice("PNS", "PNS"), SelectChoice("PPPK", "PPPK")], validate_choice=False
    )
    nips = TextAreaField(
        _l("Daftar NIP (satu per baris)"),
        validators=[Optional(), Length(max=500_000, message=_l("Daftar NIP terlalu panjang."))],
        render_kw={"rows": 6, "autocomplete": "off"},
    )
    nip_file = FileField(_l("Atau unggah berkas CSV berisi NIP"), render_kw={"accept": ".csv,text/csv"})
    start_on = IsoDateField(_l("Tanggal mulai"), validators=[InputRequired(DATE_ERROR)])
    due_on = IsoDateField(_l("Tenggat"), validators=[InputRequired(DATE_ERROR)])
    late_join_days = StringField(
        _l("Pegawai yang bergabung kemudian: tenggat = hari bergabung + … hari (kosongkan: tenggat yang sama)"),
        validators=[Optional(), Length(max=3, message=_l("Isi 1 sampai 365."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    allow_earlier_completion = BooleanField(_l("Penyelesaian sebelum tanggal mulai juga dihitung"), default=True)
    note = TextAreaField(
        _l("Catatan untuk pegawai (opsional)"),
        validators=[Optional(), Length(max=2000, message=_l("Maksimal 2000 karakter."))],
        render_kw={"rows": 2},
    )


class EditAssignmentForm(Form):
    due_on = IsoDateField(_l("Tenggat"), validators=[InputRequired(DATE_ERROR)], id="edit-due")
    note = TextAreaField(
        _l("Catatan untuk pegawai (opsional)"),
        validators=[Optional(), Length(max=2000, message=_l("Maksimal 2000 karakter."))],
        render_kw={"rows": 2},
        id="edit-note",
    )


class CancelAssignmentForm(Form):
    reason = TextAreaField(
        _l("Alasan pembatalan"),
        validators=[
            DataRequired(_l("Alasan pembatalan wajib diisi.")),
            Length(max=500, message=_l("Maksimal 500 karakter.")),
        ],
        render_kw={"rows": 2},
        id="cancel-reason",
    )


class ExtendForm(Form):
    due_on = IsoDateField(_l("Tenggat baru"), validators=[InputRequired(DATE_ERROR)], id="extend-due")
    reason = TextAreaField(
        _l("Alasan perpanjangan"),
        validators=[
            DataRequired(_l("Alasan perpanjangan wajib diisi.")),
            Length(max=500, message=_l("Maksimal 500 karakter.")),
        ],
        render_kw={"rows": 2},
        id="extend-reason",
    )
