"""routing/cache.py: one bounded LRU map, and the decorator that keeps a pure function's
results in one; a hit returns exactly what a miss would compute."""

from __future__ import annotations

import threading
from collections import OrderedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.cache import Lru, cached, clear_results


def test_the_least_recently_used_entry_goes_first() -> None:
    """Size 2: a, b in; reading a makes b the oldest; c in pushes b out."""
    lru: Lru[int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1
    lru.put("c", 3)
    assert (lru.get("b"), lru.get("a"), lru.get("c"), len(lru)) == (None, 1, 3, 2)


def test_putting_a_key_again_refreshes_it() -> None:
    """Size 2: a, b, then a again (new value): c pushes out b, not a."""
    lru: Lru[int] = Lru(2)
    for key, value in (("a", 1), ("b", 2), ("a", 10), ("c", 3)):
        lru.put(key, value)
    assert (lru.get("a"), lru.get("b")) == (10, None)


def test_hits_and_misses_are_counted_and_cleared() -> None:
    """Two hits and one miss are counted; clear forgets entries and counts."""
    lru: Lru[str] = Lru(4)
    lru.put(1, "x")
    lru.get(1), lru.get(1), lru.get(2)
    assert (lru.hits, lru.misses) == (2, 1)
    lru.clear()
    assert (len(lru), lru.hits, lru.misses, lru.get(1)) == (0, 0, 0, None)


@pytest.mark.parametrize("size", [0, -3])
def test_a_cache_holds_at_least_one_entry(size: int) -> None:
    """A size under 1 is refused, naming it."""
    with pytest.raises(ValueError, match=f"maxsize must be >= 1, got {size}"):
        Lru(size)


OPS = st.lists(
    st.tuples(st.sampled_from(["get", "put"]), st.integers(0, 6), st.integers(0, 99)),
    max_size=60,
)


@given(maxsize=st.integers(1, 5), ops=OPS)
def test_an_lru_behaves_like_the_reference_model(maxsize: int, ops: list) -> None:
    """Any sequence of gets and puts answers as a plain ordered dict trimmed to size by
    oldest use, and never holds more than `maxsize` entries."""
    lru: Lru[int] = Lru(maxsize)
    model: OrderedDict[int, int] = OrderedDict()
    for op, key, value in ops:
        if op == "put":
            lru.put(key, value)
            model[key] = value
            model.move_to_end(key)
            while len(model) > maxsize:
                model.popitem(last=False)
        else:
            assert lru.get(key) == model.get(key)
            if key in model:
                model.move_to_end(key)
        assert len(lru) == len(model) <= maxsize


def test_a_cached_function_runs_once_per_arguments() -> None:
    """Same arguments, one call; other arguments, another; keyword arguments are keys too."""
    calls: list[tuple] = []

    @cached(8)
    def area(w: int, h: int = 1) -> int:
        calls.append((w, h))
        return w * h

    assert [area(2, 3), area(2, 3), area(4), area(4), area(2, h=5), area(2, h=5)] == [
        6,
        6,
        4,
        4,
        10,
        10,
    ]
    assert calls == [(2, 3), (4, 1), (2, 5)]
    assert area.__name__ == "area"  # wraps keeps the function's face


def test_a_none_result_is_kept_as_well() -> None:
    """A function that answers None is not run again for the same arguments."""
    calls: list[int] = []

    @cached(4)
    def nothing(x: int) -> None:
        calls.append(x)

    nothing(1), nothing(1)
    assert calls == [1]


def test_a_cached_function_keeps_at_most_its_size() -> None:
    """Size 2: after 1, 2, 3 the result for 1 was dropped and is computed again."""
    calls: list[int] = []

    @cached(2)
    def square(x: int) -> int:
        calls.append(x)
        return x * x

    for x in (1, 2, 3, 1):
        assert square(x) == x * x
    assert calls == [1, 2, 3, 1]


def test_clear_results_forgets_results_and_keeps_facts() -> None:
    """After clear_results a results cache computes again; a facts cache does not."""
    calls: list[str] = []

    @cached(4, results=True)
    def result(x: int) -> int:
        calls.append("result")
        return x

    @cached(4)
    def fact(x: int) -> int:
        calls.append("fact")
        return x

    result(1), fact(1)
    clear_results()
    result(1), fact(1)
    assert calls == ["result", "fact", "result"]


def test_threads_sharing_a_cache_leave_it_within_its_size() -> None:
    """Four threads putting 500 keys each into a size-16 cache: it ends with 16 entries,
    each the value put for its key."""
    lru: Lru[int] = Lru(16)

    def fill(offset: int) -> None:
        for i in range(500):
            lru.put(offset + i, (offset + i) * 2)
            lru.get(offset + i - 1)

    threads = [threading.Thread(target=fill, args=(k * 1000,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(lru) == 16
    for key, value in lru._data.items():
        assert isinstance(key, int) and value == key * 2


def test_result_caches_are_bounded() -> None:
    """A cache keeps its most recently used entries, up to its size."""
    cache: Lru[int] = Lru(3)
    for k in range(5):
        cache.put(k, k)
    assert cache.get(4) == 4 and cache.get(1) is None and len(cache) == 3
    cache.get(2)
    cache.put(5, 5)
    assert cache.get(2) == 2 and cache.get(3) is None
