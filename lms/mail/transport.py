"""Handing a rendered message over: to an SMTP server (Flask-Mail) or, in development without one, the console."""

from __future__ import annotations

import smtplib
import ssl
import sys
from dataclasses import dataclass
from typing import Protocol

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message


@dataclass(frozen=True)
class Envelope:
    """What a transport needs of an outbox row, read before the sender's transaction ends (no row, no
    lock, is held while an SMTP server takes its time)."""

    id: int
    event_key: str
    recipient: str
    locale: str
    subject: str
    body_text: str | None
    body_html: str | None
    tries: int


class DeliveryError(Exception):
    """A message was not handed over. `permanent`: trying again cannot help (the server refused this
    message or address for good). `outage`: the server cannot be reached or refuses every message (the
    sender stops its pass, the messages it still holds wait for the next one)."""

    def __init__(self, text: str, *, permanent: bool = False, outage: bool = False) -> None:
        super().__init__(text)
        self.permanent = permanent
        self.outage = outage


class Transport(Protocol):
    name: str

    def send(self, message: Envelope) -> None: ...

    def close(self) -> None: ...


def build_message(message: Envelope) -> Message:
    """The e-mail itself (Flask-Mail): plain text with an HTML alternative, from MAIL_DEFAULT_SENDER."""
    return Message(
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text or "",
        html=message.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={"Auto-Submitted": "auto-generated", "Content-Language": message.locale},
    )


class _Connection(Connection):
    """Flask-Mail's connection, opened with the app's current MAIL_* settings, a timeout on every socket
    operation (a silent server must not hold the sender past its claim) and TLS that checks the server's
    certificate (smtplib alone does not)."""

    def configure_host(self):
        config = current_app.config
        server, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
        context = ssl.create_default_context()
        if config.get("MAIL_USE_SSL"):
            host = smtplib.SMTP_SSL(server, port, timeout=timeout, context=context)
        else:
            host = smtplib.SMTP(server, port, timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            host.starttls(context=context)
        if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD"):
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return host


class SmtpTransport:
    """One SMTP connection for a pass, opened at the first message and opened again after an error."""

    name = "smtp"

    def __init__(self) -> None:
        self._connection: _Connection | None = None

    def send(self, message: Envelope) -> None:
        email = build_message(message)
        try:
            if self._connection is None:
                connection = _Connection(current_app.extensions["mail"])
                connection.host = connection.configure_host()
                self._connection = connection
            self._connection.send(email)
        except BadHeaderError:
            raise DeliveryError("header tidak sah (baris baru di subjek atau alamat)", permanent=True) from None
        except smtplib.SMTPRecipientsRefused as error:
            self._drop()
            code, reason = next(iter(error.recipients.values()), (0, b""))
            text = f"alamat ditolak server: {code} {_decode(reason)}"
            raise DeliveryError(text, permanent=code >= 500) from None
        except (
            smtplib.SMTPSenderRefused,
            smtplib.SMTPAuthenticationError,
            smtplib.SMTPConnectError,
            smtplib.SMTPHeloError,
        ) as error:
            self._drop()  # the greeting, the login or the sender address: every message would be refused alike
            text = f"server menolak sambungan atau pengirim: {error.smtp_code} {_decode(error.smtp_error)}"
            raise DeliveryError(text, outage=True) from None
        except smtplib.SMTPResponseException as error:
            self._drop()
            text = f"server menolak pesan: {error.smtp_code} {_decode(error.smtp_error)}"
            raise DeliveryError(text, permanent=error.smtp_code >= 500, outage=error.smtp_code == 421) from None
        except (OSError, smtplib.SMTPException) as error:  # refused, timed out, TLS, disconnected
            self._drop()
            raise DeliveryError(f"server SMTP tidak dapat dihubungi: {error!r}", outage=True) from None

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.close()
            except OSError:
                pass

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            try:
                connection.host.quit()
            except (OSError, smtplib.SMTPException):
                connection.host.close()


class ConsoleTransport:
    """Development without MAIL_SERVER: each message is printed (and counted as sent), never mailed."""

    name = "console"

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: Envelope) -> None:
        rule = "-" * 72
        print(
            f"{rule}\nKepada: {message.recipient}\nSubjek: {message.subject}\n"
            f"Acara: {message.event_key}\n\n{message.body_text or ''}{rule}",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        pass


def _decode(value) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())[:300]


def default_transport() -> Transport:
    """SMTP when MAIL_SERVER is set; else the console (production refuses to start that way with mail on)."""
    if current_app.config.get("MAIL_SERVER"):
        return SmtpTransport()
    current_app.logger.warning(
        "MAIL_SERVER is not set: e-mail is printed to the console and marked sent, not delivered"
    )
    return ConsoleTransport()
