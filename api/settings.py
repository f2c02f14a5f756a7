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
- `GLOCAL_REQUEST_TIMEOUT_S` (5): the budget of a quote's or a promise's computation;
  past it the answer is 503 with `Retry-After` and the worker moves on;
- `GLOCAL_QUOTE_THREADS` (4): threads per server process that compute quotes and promises,
  off the event loop (which keeps answering `/healthz` and reading requests meanwhile);
- `GLOCAL_DATES_BACK_DAYS`, `GLOCAL_DATES_AHEAD_DAYS` (730, 365): how far before and after
  today an order's `created_at` (a promise's `at`) may lie, within the dates the data
  covers (`data/coverage.toml`); outside, a 422 names the field and the range;
- `GLOCAL_QUOTE_TTL_DAYS` (30): how long `GET /v1/quotes/{id}` finds a stored quote;
- `GLOCAL_QUOTE_VALID_S` (1800): how long a quote can be booked (its `expires_at`);
- `GLOCAL_CAPACITY_FILE` (none): a capacity file (`service_id,departure_date,kg,m3`, as
  `glocal plan --capacity` reads it; the bookings.csv of `glocal design` is one) whose
  figures override the network's capacity per departure (`routing.capacity`);
- `GLOCAL_BIDPRICE_FILE` (none): the bid-price snapshot (`routing.capacity.bidprices`)
  that ranks quote options by price plus opportunity cost; re-read when it changes;
- `GLOCAL_CAPACITY_PRICING` (rank): what the bid prices do to a quote
  (`routing.quote.capacity`): `rank` (order and tags only), `surcharge` (an itemised
  "capacity surcharge" line, at most half the option's freight; a booking whose surcharge
  moved under a newer snapshot is 409 `price_changed`), `hide` (options whose opportunity
  cost exceeds their margin are left out, reason `capacity_reserved`);
- `GLOCAL_BIDPRICE_INTERVAL_S` (none: off), `GLOCAL_BIDPRICE_ORDERS` (none),
  `GLOCAL_BIDPRICE_TIME_LIMIT_S` (60): re-solve the bid prices every so many seconds
  over the orders of that forecast table not yet placed and the capacity not yet sold,
  publishing to `GLOCAL_BIDPRICE_FILE` (`api.bidprice_solver`); needs both files;
- `GLOCAL_CAPACITY_MARGIN` (0.2): under `hide`, an option's margin as a share of its
  shipping charge;
- `GLOCAL_CAPACITY_REFRESH_S` (1): how often a server re-reads what is sold per departure
  (what other workers booked), which quotes exclude when full;
- `GLOCAL_KEY_CACHE_SECONDS` (2): how long a worker trusts what it read of a key, so how
  long a revocation takes to bite;
- `GLOCAL_USAGE_FLUSH_SECONDS` (5): how often per-key usage counts are written;
- `GLOCAL_LOG_LEVEL` (INFO): level of the JSON-lines log on stderr;
- `GLOCAL_PROMISE_POLL_SECONDS` (1): how often a server process looks in the store for a
  newer learned promise model (`POST /v1/promise-calibrations`), so how long a model
  posted to one worker takes to be live on the others;
- `GLOCAL_PROMISE_MODEL_MAX_BYTES` (64 MiB): largest promise model upload (413 above).

Plan jobs (`POST /v1/plans`) and their webhooks:

- `GLOCAL_PLANS_DIR` (`glocal-plans/` beside a SQLite file, else in the working
  directory): uploaded orders and plan results, one directory per job;
- `GLOCAL_PLAN_MAX_UPLOAD_BYTES` (256 MiB): largest orders upload (413 above);
- `GLOCAL_PLAN_CONCURRENCY` (1): plans run at once by each server process;
- `GLOCAL_PLAN_LEASE_SECONDS` (30): a running job whose server has not renewed its lease
  for this long (it died) is taken back and re-queued by another;
- `GLOCAL_PLAN_MAX_ATTEMPTS` (3): after this many interrupted runs a job fails, saying so;
- `GLOCAL_PLAN_POLL_SECONDS` (1): how often a server looks for queued jobs and webhooks;
- `GLOCAL_DASK_SCHEDULER` (none): `tcp://HOST:PORT` of a Dask cluster that solves the
  plan blocks of every job; without it a job plans in one process;
- `GLOCAL_WEBHOOK_ATTEMPTS` (6), `GLOCAL_WEBHOOK_BACKOFF_SECONDS` (2): deliveries of a
  webhook, the wait doubling from the backoff after each failed one;
- `GLOCAL_WEBHOOK_TIMEOUT_SECONDS` (10): per delivery;
- `GLOCAL_WEBHOOK_ALLOW_PRIVATE` (false): deliver to loopback and private addresses too
  (for tests and in-house receivers; off, a callback must resolve to a public address).

The console (`/console`, `api.console`):

- `GLOCAL_CONSOLE_SESSION_SECONDS` (28800: 8 hours): how long a signed-in session lasts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from routing.coverage import date_window
from routing.orders import OrderLimits

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
    request_timeout_s: float = Field(default=5.0, gt=0)
    quote_threads: int = Field(default=4, ge=1)
    dates_back_days: int = Field(default=730, ge=0)
    dates_ahead_days: int = Field(default=365, ge=0)
    quote_ttl_days: int = Field(default=30, ge=1)
    quote_valid_s: float = Field(default=1800.0, gt=0)
    capacity_file: Path | None = None
    bidprice_file: Path | None = None
    capacity_pricing: Literal["rank", "surcharge", "hide"] = "rank"
    capacity_margin: float = Field(default=0.2, ge=0)
    bidprice_interval_s: float | None = Field(default=None, gt=0)
    bidprice_orders: Path | None = None
    bidprice_time_limit_s: float = Field(default=60.0, gt=0)
    capacity_refresh_s: float = Field(default=1.0, gt=0)
    key_cache_seconds: float = Field(default=2.0, ge=0)
    usage_flush_seconds: float = Field(default=5.0, gt=0)
    log_level: str = "INFO"
    promise_poll_seconds: float = Field(default=1.0, gt=0)
    promise_model_max_bytes: int = Field(default=64 * 2**20, ge=1024)

    @property
    def order_limits(self) -> OrderLimits:
        """The caps of one order, its dates within the window around now."""
        now = datetime.now(UTC)
        window = date_window(now, self.dates_back_days, self.dates_ahead_days)
        return OrderLimits(self.max_parcels, self.max_items, window)

    # plan jobs (`/v1/plans`, `api.jobs`) and their webhooks (`api.webhooks`)
    plans_dir: Path | None = None
    plan_max_upload_bytes: int = Field(default=256 * 2**20, ge=1024)
    plan_concurrency: int = Field(default=1, ge=1)
    plan_lease_seconds: float = Field(default=30.0, gt=0)
    plan_max_attempts: int = Field(default=3, ge=1)
    plan_poll_seconds: float = Field(default=1.0, gt=0)
    dask_scheduler: str | None = None
    webhook_attempts: int = Field(default=6, ge=1)
    webhook_backoff_seconds: float = Field(default=2.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_allow_private: bool = False

    # the console (`api.console`): how long a signed-in session lasts
    console_session_seconds: float = Field(default=8 * 3600, gt=0)
