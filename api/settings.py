"""The HTTP service's settings, read from the environment (`GLOCAL_*`) by pydantic-settings.

- `GLOCAL_NETWORK` (the embedded `data/`): network directory, loaded once at start-up;
- `GLOCAL_DATABASE_URL` (`sqlite:///glocal.sqlite3`, a file in the working directory):
  or `postgresql://user:password@host/db`;
- `GLOCAL_RATE_LIMIT` (20): requests per second per API key, unless the key has its own;
- `GLOCAL_RATE_BURST` (40): token bucket size, how many requests a key may send at once;
- `GLOCAL_WORKERS` (1): server processes; the rate limit is shared out among them;
- `GLOCAL_MAX_BODY_BYTES` (262144): largest request body (413 above);
- `GLOCAL_MAX_PARCELS`, `GLOCAL_MAX_ITEMS` (50, 100): per order (422 above);
- `GLOCAL_MAX_DESTINATIONS` (200): per promise request (422 above);
- `GLOCAL_QUOTE_TTL_DAYS` (30): how long `GET /v1/quotes/{id}` finds a stored quote;
- `GLOCAL_KEY_CACHE_SECONDS` (2): how long a worker trusts what it read of a key, so how
  long a revocation takes to bite;
- `GLOCAL_USAGE_FLUSH_SECONDS` (5): how often per-key usage counts are written;
- `GLOCAL_LOG_LEVEL` (INFO): level of the JSON-lines log on stderr.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///glocal.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GLOCAL_", extra="ignore", frozen=True)

    network: Path | None = None
    database_url: str = DEFAULT_DATABASE_URL
    rate_limit: float = Field(default=20.0, gt=0)
    rate_burst: int = Field(default=40, ge=1)
    workers: int = Field(default=1, ge=1)
    max_body_bytes: int = Field(default=262_144, ge=1024)
    max_parcels: int = Field(default=50, ge=1)
    max_items: int = Field(default=100, ge=1)
    max_destinations: int = Field(default=200, ge=1)
    quote_ttl_days: int = Field(default=30, ge=1)
    key_cache_seconds: float = Field(default=2.0, ge=0)
    usage_flush_seconds: float = Field(default=5.0, gt=0)
    log_level: str = "INFO"
