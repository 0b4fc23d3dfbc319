"""Signals the accounts domain emits, so higher domains (mandatory assignments, mail) hear of roster events."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent by `lms.accounts.services.create_user` with the new, flushed `User` as the sender. It fires
#: inside the caller's transaction: whatever a receiver adds commits or rolls back with the account.
account_created = _signals.signal("account-created")

#: Sent whenever an account's OPD, employee type or active state changes (admin edit, roster import,
#: deactivation), with the `User` as the sender and keyword ``changes``: a dict of field name →
#: ``(old, new)`` for the fields that changed (``"opd_id"``, ``"employee_type"``, ``"is_active"``).
#: Same transaction rule as `account_created`.
account_changed = _signals.signal("account-changed")

#: Sent by `lms.accounts.services.anonymise_user` with the `User` as the sender, after her personal data were
#: erased, inside the caller's transaction: higher domains erase what they keep about her (e.g. uploaded
#: certificate PDFs, which print her name).
account_anonymised = _signals.signal("account-anonymised")
