"""Fixtures of the accounts tests: the real SMTP server of tests/mail/smtp.py (password reset by e-mail)."""

from tests.mail.smtp import smtp_app, smtp_server  # noqa: F401 - fixtures
