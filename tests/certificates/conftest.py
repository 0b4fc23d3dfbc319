"""Fixtures shared by the certificate tests: the throwaway PostgreSQL database of the ops tests."""

from tests.ops.conftest import throwaway_pg  # noqa: F401 - a fixture, used by the concurrency test
