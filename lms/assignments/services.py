"""Writes about assignments: create, extend, edit, cancel, and follow the roster (joiners and leavers)."""

from __future__ import annotations

from lms.assignments import models  # noqa: F401 - the tables exist wherever the app runs


def connect_signals() -> None:
    """Follow the roster: accounts' signals add people who join a group and remove those who leave."""
