"""Bounded caches of computed results, and one switch to empty them all.

Every cached value is a pure function of its key (the identity of a route prefix and a
departure instant for the promise engine; a route's service indices, a destination or a
date for the quote engine), so a hit returns exactly what a miss would compute: caching
changes the time an answer takes, never the answer. `clear_results` empties them all
(bench/promise.py measures cold promises that way); calendars, histograms, compiled
routes and departure tables are facts of the network, not results, and stay.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock
from typing import Generic, TypeVar

V = TypeVar("V")


class Lru(Generic[V]):
    """A thread-safe least-recently-used map of at most `maxsize` entries."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.hits = self.misses = 0
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = Lock()
        _ALL.append(self)  # type: ignore[arg-type]

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
            self._data[key] = value
            if len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)


_ALL: list[Lru[object]] = []


def clear_results() -> None:
    """Forget every cached result (not the calendars, histograms and compiled routes)."""
    for cache in _ALL:
        cache.clear()
