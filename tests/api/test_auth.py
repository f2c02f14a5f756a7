"""api/auth.py: keys are stored hashed and verified exactly; the token bucket's arithmetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.auth import KeyRing, RateLimiter, grants, new_key, split_key
from api.store import Store, StoredKey


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'keys.sqlite3'}")
    s.upgrade()
    return s


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_new_key_stores_only_a_salted_hash() -> None:
    """The secret is in the key string and nowhere in what is stored."""
    made = new_key("shop", ["quote"])
    key_id, secret = split_key(made.key) or ("", "")
    assert key_id == made.stored.key_id and len(secret) >= 40
    assert secret not in repr(made.stored)
    other = new_key("shop", ["quote"])
    assert other.stored.salt != made.stored.salt


@pytest.mark.parametrize(
    ("name", "scopes", "message"),
    [(" ", ["quote"], "--name"), ("x", ["root"], "scopes"), ("x", [], "scopes")],
)
def test_new_key_refuses_bad_input(name: str, scopes: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        new_key(name, scopes)


def test_verify_accepts_the_key_and_nothing_near_it(store: Store) -> None:
    """Only the exact key verifies; a changed secret, an unknown id or junk do not."""
    made = new_key("shop", ["quote"])
    store.add_key(made.stored)
    ring = KeyRing(store, cache_seconds=0)
    assert ring.verify(made.key) == made.stored
    assert ring.verify(made.key[:-1] + ("A" if made.key[-1] != "A" else "B")) is None
    assert ring.verify(made.key.replace(made.stored.key_id, "ffffffffffff")) is None
    assert ring.verify("Bearer nonsense") is None
    assert ring.verify("glocal__") is None


def test_revocation_is_seen_after_the_cache_expires(store: Store) -> None:
    """A cached key stays valid for cache_seconds after revocation, then is refused."""
    made = new_key("shop", ["quote"])
    store.add_key(made.stored)
    clock = Clock()
    ring = KeyRing(store, cache_seconds=2, clock=clock)
    assert ring.verify(made.key) is not None
    store.revoke(made.stored.key_id)
    assert ring.verify(made.key) is not None
    clock.now += 2
    assert ring.verify(made.key) is None


def test_admin_grants_every_scope() -> None:
    made = new_key("ops", ["admin"]).stored
    assert all(grants(made, s) for s in ("quote", "promise", "plan"))
    assert not grants(new_key("shop", ["quote"]).stored, "promise")


def _key(rate: float | None = None, burst: int | None = None) -> StoredKey:
    return new_key("k", ["quote"], rate, burst).stored


def test_token_bucket_allows_a_burst_then_the_rate() -> None:
    """burst 3 at 2/s: 3 at once, the 4th waits 0.5 s; 0.5 s later one more goes."""
    clock = Clock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    key = _key()
    assert [limiter.take(key) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take(key) == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.take(key) == 0.0
    assert limiter.take(key) == pytest.approx(0.5)


def test_token_bucket_per_key_limits_and_worker_share() -> None:
    """A key's own rate wins over the default; with 2 workers each admits half."""
    clock = Clock()
    limiter = RateLimiter(rate=100.0, burst=100, share=2, clock=clock)
    slow = _key(rate=1.0, burst=4)
    assert [limiter.take(slow) for _ in range(3)] == [0.0, 0.0, pytest.approx(2.0)]
    other = _key()
    assert all(limiter.take(other) == 0.0 for _ in range(50))
    assert limiter.take(other) > 0


@pytest.mark.parametrize(
    ("rate", "burst", "message"),
    [
        (float("inf"), None, "rate must be > 0 and at most 1e\\+06"),
        (float("nan"), None, "rate must be > 0 and at most 1e\\+06"),
        (None, 10**14, "burst must be at most 1000000"),
        (None, 0, "burst must be >= 1"),
    ],
)
def test_a_key_limit_beyond_reason_is_refused(
    rate: float | None, burst: int | None, message: str
) -> None:
    """An infinite rate or a burst the store's column cannot hold is refused by name."""
    with pytest.raises(ValueError, match=message):
        new_key("shop", ["quote"], rate, burst)
