"""queue_mail: in the caller's transaction, at most once per (event, recipient), rendered in her language."""

from __future__ import annotations

import re

import pytest
from jinja2 import TemplateNotFound
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.extensions import db as _db
from lms.mail import services
from lms.mail.models import PENDING, OutboxMessage
from lms.mail.render import render_mail
from lms.mail.services import InvalidAddress, queue_mail
from tests.conftest import make_nip

CONTEXT = {"name": "Siti Rahayu", "nip": "19860926 201505 2 001", "link": "http://lentera.test/x", "minutes": 30}


def count() -> int:
    return _db.session.scalar(select(func.count()).select_from(OutboxMessage))


def queue(to="siti@semarangkota.go.id", key="uji:1", **kwargs):
    return queue_mail(to=to, template="password_reset", context=CONTEXT, event_key=key, **kwargs)


def test_a_queued_message_is_pending_rendered_and_part_of_the_callers_transaction(db):
    message = queue()
    assert message is not None and message.id is not None  # flushed inside a savepoint, not committed
    assert message.status == PENDING and message.tries == 0
    assert message.recipient == "siti@semarangkota.go.id" and message.locale == "id"
    assert message.subject == "Atur ulang kata sandi Lentera"
    assert "Siti Rahayu" in message.body_text and "http://lentera.test/x" in message.body_html
    db.session.rollback()  # the caller's event did not happen: neither did its message
    assert count() == 0


def test_the_same_event_and_recipient_is_queued_once_whatever_the_spelling(db):
    assert queue() is not None
    assert queue() is None
    assert queue(to="  Siti@SemarangKota.go.id ") is None
    assert queue(to="budi@semarangkota.go.id") is not None  # another recipient of the same event
    assert queue(key="uji:2") is not None  # another event
    db.session.commit()
    assert queue() is None  # also once committed
    assert count() == 3


def test_a_duplicate_never_breaks_the_callers_transaction(db):
    queue()
    db.session.commit()
    user = User(nip=make_nip(), name="Dibuat Bersama Pesan", employee_type="PNS")
    db.session.add(user)
    assert queue() is None
    db.session.commit()
    assert db.session.get(User, user.id) is not None


def test_a_race_lost_to_another_transaction_is_refused_by_the_unique_key_alone(db, monkeypatch):
    """The existence query saw nothing (the other transaction had not committed); the unique key refuses
    the insert, only the savepoint is rolled back, and the caller's own rows are kept."""
    queue()
    db.session.commit()
    monkeypatch.setattr(services, "is_queued", lambda *_: False)
    user = User(nip=make_nip(), name="Dibuat Sebelum Balapan", employee_type="PNS")
    db.session.add(user)
    assert queue() is None
    db.session.commit()
    assert db.session.get(User, user.id) is not None
    assert count() == 1


@pytest.mark.parametrize(
    "address",
    [
        "",
        "tanpa-at",
        "a@b",
        "dua@alamat.id, lain@alamat.id",
        "siti@alamat.id\nBcc: semua@alamat.id",
        "a b@alamat.id",
        "sité@alamat.id",
    ],
)
def test_a_malformed_address_is_refused_and_nothing_is_added(db, address):
    with pytest.raises(InvalidAddress):
        queue(to=address)
    assert count() == 0


def test_an_empty_event_key_or_an_unknown_template_is_the_callers_mistake(db):
    with pytest.raises(ValueError):
        queue(key="  ")
    with pytest.raises(TemplateNotFound):
        queue_mail(to="a@alamat.id", template="tidak_ada", context={}, event_key="uji:x")
    with pytest.raises(ValueError):
        queue_mail(to="a@alamat.id", template="../core/home", context={}, event_key="uji:y")
    assert count() == 0


def test_nothing_is_queued_while_mail_is_off(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_MAIL_ENABLED", False)
    assert queue() is None
    assert count() == 0


def test_english_for_those_who_chose_it_indonesian_otherwise(app, db):
    english = queue(to="en@alamat.id", locale="en")
    assert english.locale == "en"
    assert english.subject == "Reset your Lentera password"
    assert "valid for 30 minutes" in english.body_text
    assert '<html lang="en">' in english.body_html
    for locale in (None, "fr"):
        indonesian = queue(to=f"{locale}@alamat.id", locale=locale)
        assert indonesian.locale == "id"
        assert "berlaku 30 menit" in indonesian.body_text
        assert '<html lang="id">' in indonesian.body_html


def test_a_message_links_only_to_lentera_and_loads_nothing(app, db):
    rendered = render_mail("password_reset", CONTEXT, "id")
    public = app.config["LMS_PUBLIC_URL"]
    for body in (rendered.text, rendered.html):
        for url in re.findall(r"https?://[^\s\"'<>]+", body):
            assert url.startswith(public + "/"), url
    assert "<img" not in rendered.html and "src=" not in rendered.html and "<link" not in rendered.html
    assert "<script" not in rendered.html


def test_values_are_escaped_in_html_and_plain_in_text(app, db):
    rendered = render_mail("password_reset", {**CONTEXT, "name": "Siti <b>&</b>"}, "id")
    assert "Siti &lt;b&gt;&amp;&lt;/b&gt;" in rendered.html
    assert "Siti <b>&</b>" in rendered.text


def test_a_message_queued_from_a_request_is_written_in_the_recipients_language(app, db):
    """The request is in Bahasa Indonesia; the recipient chose English, and the request goes on in Indonesian."""
    from flask_babel import gettext

    with app.test_request_context("/akun"):
        assert gettext("Masuk") == "Masuk"
        message = queue(to="en@alamat.id", locale="en")
        assert message.subject == "Reset your Lentera password"
        assert gettext("Masuk") == "Masuk"
