"""Fixtures of the store's tests: a migrated store on each database of `database_url`
(tests/api/conftest.py), and a stored quote made to order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from api.store import Store, StoredQuote

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    s.upgrade()
    yield s
    s.dispose()


def quote_row(quote_id: str, key_id: str, created: datetime, days: int = 30) -> StoredQuote:
    body = json.dumps({"quote_id": quote_id, "options": [{"total": {"amount": "12.30"}}]})
    return StoredQuote(quote_id, key_id, "o-1", "ES", created, created + timedelta(days=days), body)
