"""Mandatory modules (penugasan wajib): HR assigns a published module to a group with a due date."""
