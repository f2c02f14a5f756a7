"""Fixtures of the calibration tests: a migrated store on each database of `database_url`."""

from tests.api.store.conftest import store

__all__ = ["store"]
