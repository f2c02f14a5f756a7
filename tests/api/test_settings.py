"""api/settings.py: the HTTP service's settings, read from `GLOCAL_*` environment
variables: the documented defaults, values parsed to their types, bad values refused,
every setting documented."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

import api.settings
from api.settings import Settings
from routing.coverage import date_window
from routing.orders import OrderLimits


@pytest.fixture(autouse=True)
def no_glocal_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from an environment without GLOCAL_* variables."""
    for name in list(os.environ):
        if name.startswith("GLOCAL_"):
            monkeypatch.delenv(name)


def test_the_defaults_are_the_documented_ones() -> None:
    """With nothing set: the values the module's docstring gives."""
    s = Settings()
    assert s.network is None and s.database_url == "sqlite:///glocal.sqlite3"
    assert (s.rate_limit, s.rate_burst, s.workers) == (20.0, 40, 1)
    assert (s.max_body_bytes, s.max_parcels, s.max_items) == (262_144, 50, 100)
    assert (s.max_destinations, s.quote_ttl_days, s.key_cache_seconds) == (200, 30, 2.0)
    assert s.plan_max_upload_bytes == 256 * 1024 * 1024
    assert (s.webhook_attempts, s.webhook_allow_private, s.dask_scheduler) == (6, False, None)


def test_values_are_read_from_the_environment_as_their_types(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Strings from the environment become a float, an int, a bool and a path; a GLOCAL_
    variable that names no setting is ignored."""
    monkeypatch.setenv("GLOCAL_RATE_LIMIT", "2.5")
    monkeypatch.setenv("GLOCAL_WORKERS", "4")
    monkeypatch.setenv("GLOCAL_WEBHOOK_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("GLOCAL_NETWORK", "/srv/world")
    monkeypatch.setenv("GLOCAL_NO_SUCH_SETTING", "1")
    s = Settings()
    assert (s.rate_limit, s.workers, s.webhook_allow_private) == (2.5, 4, True)
    assert s.network == Path("/srv/world")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GLOCAL_RATE_LIMIT", "0"),
        ("GLOCAL_RATE_BURST", "0"),
        ("GLOCAL_WORKERS", "0"),
        ("GLOCAL_MAX_BODY_BYTES", "1023"),
        ("GLOCAL_QUOTE_TTL_DAYS", "0"),
        ("GLOCAL_KEY_CACHE_SECONDS", "-1"),
        ("GLOCAL_PLAN_LEASE_SECONDS", "0"),
        ("GLOCAL_MAX_PARCELS", "many"),
    ],
)
def test_a_value_out_of_range_is_refused_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    """A server that would admit nothing, or a cap it cannot hold, does not start."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=variable.removeprefix("GLOCAL_").lower()):
        Settings()


def test_a_limit_at_its_bound_is_accepted() -> None:
    """The smallest values allowed: a 1024-byte body cap, no key cache, one of each."""
    s = Settings(max_body_bytes=1024, key_cache_seconds=0, rate_burst=1, max_parcels=1)
    assert (s.max_body_bytes, s.key_cache_seconds, s.rate_burst) == (1024, 0, 1)


def test_settings_are_frozen() -> None:
    """A server's settings do not change under it."""
    s = Settings()
    with pytest.raises(ValidationError):
        s.rate_limit = 1.0


def test_order_limits_are_the_parcel_and_item_caps_and_the_date_window() -> None:
    """The order parser's caps are the service's: 3 parcels, 7 items, and created_at from
    10 days before today to 20 after (within the data's coverage)."""
    limits = Settings(max_parcels=3, max_items=7, dates_back_days=10, dates_ahead_days=20)
    window = date_window(datetime.now(UTC), 10, 20)
    assert limits.order_limits == OrderLimits(3, 7, window)


def test_every_setting_is_documented_by_its_variable() -> None:
    """Each field is named in the module's docstring as GLOCAL_<FIELD>."""
    doc = api.settings.__doc__ or ""
    missing = [f for f in Settings.model_fields if f"`GLOCAL_{f.upper()}`" not in doc]
    assert missing == []
