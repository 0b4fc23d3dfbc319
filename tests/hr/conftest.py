"""Fixtures of the HR tests: the real SMTP server of tests/mail/smtp.py (reminders delivered end to end)."""

from tests.mail.smtp import smtp_app, smtp_server  # noqa: F401 - fixtures
