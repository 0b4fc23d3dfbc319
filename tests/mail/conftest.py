"""Fixtures of the mail tests: the SMTP server of tests/mail/smtp.py."""

from tests.mail.smtp import smtp_app, smtp_server  # noqa: F401 - fixtures
