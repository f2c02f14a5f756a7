"""glocal's one cache mechanism: bounded least-recently-used maps, and a decorator that
keeps a function's results in one.

Every cache in routing is an `Lru` of a stated size, so none grows without bound, and
none is keyed by `id()`: a key holds the objects it names (entities such as a `Network`
or a `Service` compare and hash by identity), so no key can outlive them and be reused.
Every cached value is a pure function of its key, so a hit returns exactly what a miss
would compute: caching changes the time an answer takes, never the answer.

Two kinds, by what they hold:

- results (`results=True`, made once at module level): what the promise engine computed
  (the delivery-date distribution after a departure, the departures of a route prefix);
  `clear_results()` forgets them all (bench/promise.py measures cold promises that way);
- facts (the default): what the data says, read or built once (a rules file, a
  calendar's working days, a time zone's offsets, a route's compiled legs, a
  destination's lane rows).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, ParamSpec, TypeVar

V = TypeVar("V")
P = ParamSpec("P")
R = TypeVar("R")


class Lru(Generic[V]):
    """A least-recently-used map of at most `maxsize` entries, safe to share between
    threads: each step is one operation of the dict, atomic under the GIL, and a key
    evicted by another thread between two steps is simply a miss (no lock: a quote reads
    these caches hundreds of times)."""

    def __init__(self, maxsize: int, results: bool = False) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be >= 1, got {maxsize}")
        self.maxsize = maxsize
        self.hits = self.misses = 0
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        if results:
            _RESULTS.append(self)  # type: ignore[arg-type]

    def get(self, key: Hashable) -> V | None:
        try:
            value = self._data[key]
            self._data.move_to_end(key)
        except KeyError:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: Hashable, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            try:
                self._data.popitem(last=False)
            except KeyError:  # emptied by another thread
                break

    def clear(self) -> None:
        self._data.clear()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)


def cached(maxsize: int, results: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep a pure function's results, by its arguments, in an `Lru` of `maxsize`."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        kept: Lru[tuple[R]] = Lru(maxsize, results)  # (result,): a result may be None

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
            found = kept.get(key)
            if found is None:
                found = (function(*args, **kwargs),)
                kept.put(key, found)
            return found[0]

        return wrapper

    return decorate


_RESULTS: list[Lru[object]] = []  # results caches are made once, at module level


def clear_results() -> None:
    """Forget every cached result; the facts (rules, calendars, compiled legs) stay."""
    for cache in _RESULTS:
        cache.clear()
