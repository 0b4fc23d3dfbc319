"""Signals the learning domain emits, so higher domains (certificates) hear of events without being imported."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent once per (user, module), by `lms.learning.services.record_completion` only, with the new
#: `Completion` as the sender. It fires inside the caller's transaction, after the completion row is
#: flushed and before the commit: whatever a receiver adds to the session commits (or rolls back)
#: together with the completion. A receiver that raises aborts the whole request, completion included.
module_completed = _signals.signal("module-completed")
