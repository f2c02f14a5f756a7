"""Money arithmetic on arrays, to the minor unit the customs and quote engines get.

The engines multiply `Decimal`s (28 significant digits) and round half up, away from zero
(`Money.times`, `Money.of`, `round_value`). `half_up` does the same for whole arrays of
integer amounts: a sum of amounts times decimal factors, rounded once. When every factor
is a short decimal (a rate of the form 1.085, a percentage, a power of ten) the sum is
computed in integers, exactly as the engines do (their products are exact at such sizes).
Otherwise (a crossed exchange rate of 28 digits, a rate grossed up as r / (1 - r)) it is
computed in floats, which round to the same integer unless the exact value lies within
`TIE` (relative) of a half: such elements are marked in `near`, for the caller to compute with the
engine itself. A float's error at these sizes is many orders of magnitude below `TIE`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

TIE = 1e-12  # distance from a half, relative to the terms' size, where floats are not trusted
_FITS = 2**62  # integer arithmetic below this cannot overflow int64

Term = tuple[np.ndarray, Decimal]  # integer amounts and the factor they are multiplied by


def half_up(terms: Sequence[Term], near: np.ndarray | None = None) -> np.ndarray:
    """round_half_up(sum of amounts x factor) per element, as int64. Without `near`, every
    factor must allow the exact integer path (ValueError otherwise)."""
    exact = _exact(terms)
    if exact is not None:
        return exact
    if near is None:
        raise ValueError("half_up: a factor too long for integers needs a `near` mask")
    parts = [x.astype(np.float64) * float(f) for x, f in terms]
    y = np.sum(parts, axis=0)
    size = np.abs(y)
    # a float sum of k products is off by at most ~k x 2e-16 of the sum of their sizes
    near |= np.abs(size - np.floor(size) - 0.5) < TIE * (1.0 + np.sum(np.abs(parts), axis=0))
    return (np.sign(y) * np.floor(size + 0.5)).astype(np.int64)


def times(x: np.ndarray, factor: Decimal, near: np.ndarray | None = None) -> np.ndarray:
    """`Money.times` on each amount: round_half_up(x x factor)."""
    return half_up([(x, factor)], near)


def _exact(terms: Sequence[Term]) -> np.ndarray | None:
    """The integer path: every factor n / d brought to one denominator; None when a
    factor or the sum could leave int64."""
    ratios = [f.as_integer_ratio() for _, f in terms]
    den = math.lcm(*(d for _, d in ratios))
    total = 0
    scaled = []
    for (x, _), (n, d) in zip(terms, ratios, strict=True):
        n *= den // d
        if abs(n) >= _FITS:
            return None
        total += int(np.abs(x).max(initial=0)) * abs(n)
        scaled.append((x, n))
    if 2 * total + den >= _FITS:
        return None
    s = sum((x.astype(np.int64) * n for x, n in scaled), np.zeros(len(terms[0][0]), np.int64))
    size = (2 * np.abs(s) + den) // (2 * den)
    return np.sign(s) * size
