"""API keys with scopes, and per-key rate limits.

A key reads `glocal_<key id>_<secret>`. The key id is public (it names the key in lists,
logs and usage); the secret is 256 random bits, shown once at creation and never stored:
the store keeps a random salt and `sha256(salt + secret)`. A fast hash is enough for a
secret of this entropy (slow hashes are for passwords a person chose).

Scopes: `quote`, `promise`, `plan`, `book` (booking a quoted option, cancelling a
shipment), `admin`; `admin` grants every scope (and reading any key's stored quotes and
shipments).

`KeyRing` verifies a presented key, caching what it read of a key id for a few seconds so
that a request does not wait on the database; `RateLimiter` is a token bucket per key id,
in the process's memory, its rate shared out among the server's worker processes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from api.store import Store, StoredKey

SCOPES = ("quote", "promise", "plan", "book", "admin")
KEY_PREFIX = "glocal"
_CACHE_LIMIT = 10_000


@dataclass(frozen=True)
class NewKey:
    """A freshly made key: `key` is the only copy of the secret, to show once."""

    key: str
    stored: StoredKey


def hash_secret(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


MAX_RATE = 1e6  # requests per second a key may be given: beyond, it is a typo (or inf)
MAX_BURST = 1_000_000  # and requests at once: the store keeps it in a 32-bit column


def new_key(
    name: str,
    scopes: Iterable[str],
    rate_per_s: float | None = None,
    burst: int | None = None,
    now: datetime | None = None,
) -> NewKey:
    """Make a key; raises ValueError for an empty name, an unknown scope or a bad limit."""
    chosen = frozenset(scopes)
    if not name.strip():
        raise ValueError("a key needs a --name")
    if not chosen or not chosen <= set(SCOPES):
        raise ValueError(f"scopes must be among {', '.join(SCOPES)}, got {sorted(chosen)}")
    if rate_per_s is not None and not 0 < rate_per_s <= MAX_RATE:
        raise ValueError(f"rate must be > 0 and at most {MAX_RATE:g} per second, got {rate_per_s}")
    if burst is not None and burst > MAX_BURST:
        raise ValueError(f"burst must be at most {MAX_BURST}, got {burst}")
    if burst is not None and burst < 1:
        raise ValueError(f"burst must be >= 1, got {burst}")
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
    stored = StoredKey(
        key_id=key_id,
        name=name.strip(),
        scopes=chosen,
        salt=salt,
        key_hash=hash_secret(salt, secret),
        created_at=now or datetime.now(UTC),
        rate_per_s=rate_per_s,
        burst=burst,
    )
    return NewKey(f"{KEY_PREFIX}_{key_id}_{secret}", stored)


def split_key(presented: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def grants(key: StoredKey, scope: str) -> bool:
    return scope in key.scopes or "admin" in key.scopes


class KeyRing:
    """Verifies presented keys against the store, remembering each key id briefly."""

    def __init__(
        self, store: Store, cache_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._store = store
        self._ttl = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, StoredKey | None]] = {}

    def verify(self, presented: str) -> StoredKey | None:
        """The active key this string is, or None (malformed, unknown, wrong, revoked)."""
        parts = split_key(presented)
        if parts is None:
            return None
        key_id, secret = parts
        key = self._lookup(key_id)
        if key is None or key.revoked_at is not None:
            return None
        if not hmac.compare_digest(hash_secret(key.salt, secret), key.key_hash):
            return None
        return key

    def _lookup(self, key_id: str) -> StoredKey | None:
        now = self._clock()
        cached = self._cache.get(key_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        key = self._store.key(key_id)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key_id] = (now, key)
        return key


class RateLimiter:
    """A token bucket per key id: `rate` tokens a second up to `burst`, one per request.

    With `share` worker processes each holds its own buckets at 1/share of the rate and
    burst, so the whole server admits about the configured rate.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        share: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate, self._burst, self._share = rate, burst, share
        self._clock = clock
        self._buckets: dict[str, list[float]] = {}

    def take(self, key: StoredKey) -> float:
        """0.0 if the request may go now (a token is taken), else the seconds to wait."""
        rate = (key.rate_per_s or self._rate) / self._share
        capacity = max(1.0, (key.burst or self._burst) / self._share)
        now = self._clock()
        bucket = self._buckets.setdefault(key.key_id, [capacity, now])
        tokens = min(capacity, bucket[0] + (now - bucket[1]) * rate)
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return 0.0
        bucket[0] = tokens
        return (1.0 - tokens) / rate
