"""Day-comb arithmetic: a transit from daily departures, spread onto the hourly grid.

A leg leaves at most once a day, at its local cut-off, so its departure hours form a comb:
hour = 24 x day + phase, with one phase per UTC offset of the from-zone (two across a
daylight-saving change). Split by phase, the sum of the transit histogram shifted to each
departure is a product of a day-by-day Toeplitz matrix of the departures' mass with the
histogram folded into rows of 24 hours: the same sums as a direct convolution, done by
one small matrix product per phase instead of an FFT of the whole span.

`spread` returns `None` when the departures are not comb-like (more than `MAX_PHASES`
phases), and the caller convolves the direct way.
"""

from __future__ import annotations

import numpy as np

HOURS_PER_DAY = 24
MAX_PHASES = 4  # beyond this many phases a comb gains nothing over a plain convolution


def phases(hours: np.ndarray) -> list[tuple[int, np.ndarray | slice]]:
    """The distinct hours of the day of `hours`, each with its selection (none when there
    are more than MAX_PHASES)."""
    of_day = hours % HOURS_PER_DAY
    values = np.bincount(of_day, minlength=HOURS_PER_DAY).nonzero()[0].tolist()
    if len(values) == 1:
        return [(values[0], slice(None))]
    if len(values) > MAX_PHASES:
        return []
    return [(v, of_day == v) for v in values]


def spread(hours: np.ndarray, mass: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray | None:
    """out[t] = sum_k mass[k] * p[t - (hours[k] - hours[0])] for t < n (n at most the
    support, hours[-1] - hours[0] + len(p)), where `rows` is the histogram p folded into
    rows of 24 hours, last row first (`fold`). Hours increasing."""
    rel = hours - hours[0]
    width = len(rows)
    if not np.count_nonzero(rel % HOURS_PER_DAY):  # one phase, the first departure's: usual
        return _block(rel // HOURS_PER_DAY, mass, rows)[:n]
    rel_phases = phases(rel)
    if not rel_phases:
        return None
    out = np.zeros(int(rel[-1]) + width * HOURS_PER_DAY)
    rel_day = rel // HOURS_PER_DAY
    for e, sel in rel_phases:
        days = rel_day[sel]
        block = _block(days - days[0], mass[sel], rows)
        start = int(days[0]) * HOURS_PER_DAY + e
        out[start : start + len(block)] += block
    return out[:n]


def _block(days: np.ndarray, mass: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The spread of departures on `days` (from 0, increasing) at the same hour of day, from
    that hour of day 0 on: (days[-1] + len(rows)) x 24 hours."""
    width = len(rows)
    span = int(days[-1]) + 1
    per_day = np.zeros(span + 2 * (width - 1))
    per_day[width - 1 : width - 1 + span] = np.bincount(days, weights=mass)
    # the Toeplitz matrix of the day masses: row j holds per_day[j : j + width]
    toeplitz = np.ndarray((span + width - 1, width), np.float64, per_day, 0, (8, 8)).copy()
    return (toeplitz @ rows).ravel()


def fold(p: np.ndarray) -> np.ndarray:
    """A histogram as rows of 24 hours, last row first: the right factor of `spread`."""
    width = -(-len(p) // HOURS_PER_DAY)
    rows = np.zeros(width * HOURS_PER_DAY)
    rows[: len(p)] = p
    folded = rows.reshape(width, HOURS_PER_DAY)[::-1].copy()
    folded.setflags(write=False)
    return folded
