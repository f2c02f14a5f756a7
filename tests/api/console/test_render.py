"""Numbers in the visitor's locale, and the navigation their key's scopes allow."""

from __future__ import annotations

from datetime import UTC, datetime

from babel import Locale
from starlette.requests import Request

from api.console.guard import Visitor
from api.console.render import Numbers, nav, visitor_locale
from api.console.sessions import ConsoleSession
from api.store import StoredKey


def request_with(language: str) -> Request:
    return Request({"type": "http", "headers": [(b"accept-language", language.encode())]})


def test_the_locale_is_the_first_one_babel_knows() -> None:
    assert str(visitor_locale(request_with("xx-YY, de-DE;q=0.8"))) == "de_DE"
    assert str(visitor_locale(request_with(""))) == "en_GB"


def test_numbers_are_written_as_the_locale_writes_them() -> None:
    de, en = Numbers(Locale.parse("de_DE")), Numbers(Locale.parse("en_GB"))
    assert de.number(1234.5, 2) == "1.234,50" and en.number(1234.5, 2) == "1,234.50"
    assert de.money(3923.24, "EUR") == "3.923,24\xa0€"
    assert en.percent(0.8333) == "83.3%"
    assert en.signed(-2.5, 1) == "\u22122.5" and en.signed(None) == "n/a"


def test_the_pages_shown_follow_the_keys_scopes() -> None:
    def visitor(*scopes: str) -> Visitor:
        at = datetime(2026, 1, 1, tzinfo=UTC)
        key = StoredKey("k", "n", frozenset(scopes), "00", "00", at)
        return Visitor(key, ConsoleSession("k", "t", at, at))

    assert [p["path"] for p in nav(visitor("quote"))] == ["network", "quote"]
    assert [p["path"] for p in nav(visitor("promise"))] == ["promises"]
    assert [p["path"] for p in nav(visitor("plan"))] == ["plans", "scenarios", "designs"]
    assert len(nav(visitor("admin"))) == 6 and nav(None) == []
