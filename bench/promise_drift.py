"""The learned promise under drift: simulated default-world history in which one carrier's
transit slows by 30 % from a date on (issue 22).

Orders from START for BEFORE_DAYS days run on the default world; orders from the shift date
for AFTER_DAYS days run on the same world with the carrier's every transit time (min, P50,
P90) times 1.3. The learned promise is fitted on the first FIT_DAYS days (before the shift)
and then replays the rest in time order, each delivery feeding the conformal layer from
the next day. Printed: coverage at P90 and P95 per week of orders (all shipments, and
those whose route uses the carrier), and the first week after the shift from which each week's P95
coverage is within 2 points of 95 % for four weeks running.

    .venv/bin/python bench/promise_drift.py [--carrier silkroute-air] [--n 40000] [--seed 3]
                                            [--max-age-days D] [--gamma G]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH (a release build)

from carriers.model import TransitTime
from routing.network import Network, load_network
from routing.promise import simulate_history
from routing.promise.conformal import ConformalParams
from routing.promise.history import history_from_frame
from routing.promise.learned import LearnParams, fit_model
from routing.promise.online import OnlineEvaluation, evaluate_model

START = date(2026, 1, 1)
BEFORE_DAYS, AFTER_DAYS, FIT_DAYS = 180, 120, 120
SLOWER = 1.3


def slowed(network: Network, carrier: str, factor: float) -> Network:
    services = tuple(
        dataclasses.replace(
            s,
            transit=TransitTime(
                s.transit.min_days * factor,
                s.transit.p50_days * factor,
                s.transit.p90_days * factor,
            ),
        )
        if s.carrier == carrier
        else s
        for s in network.services
    )
    return dataclasses.replace(network, services=services)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--carrier", default="silkroute-air")
    parser.add_argument("--n", type=int, default=40_000, help="shipments in all")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--max-age-days", type=float, default=ConformalParams.max_age_days)
    parser.add_argument("--gamma", type=float, default=ConformalParams.gamma)
    args = parser.parse_args()
    t0 = time.perf_counter()
    network = load_network()
    shift = START + timedelta(days=BEFORE_DAYS)
    n_before = args.n * BEFORE_DAYS // (BEFORE_DAYS + AFTER_DAYS)
    before = simulate_history(network, n_before, seed=args.seed, start=START, days=BEFORE_DAYS)
    after = simulate_history(
        slowed(network, args.carrier, SLOWER),
        args.n - n_before,
        seed=args.seed + 1,
        start=shift,
        days=AFTER_DAYS,
    )
    frame = pd.concat([before, after], ignore_index=True)
    uses = (
        frame["route"]
        .str.split(">")
        .map(lambda ids: any(_carrier(network, i) == args.carrier for i in ids))
    )
    history = history_from_frame(frame, source="simulated")
    cut_minute = (
        np.datetime64(START + timedelta(days=FIT_DAYS)) - np.datetime64("1970-01-01")
    ) / np.timedelta64(1, "m")
    fitting = history.shipped < cut_minute
    params = LearnParams(
        conformal=ConformalParams(gamma=args.gamma, max_age_days=args.max_age_days)
    )
    model = fit_model(history.take(np.flatnonzero(fitting)), params)
    tested = np.flatnonzero(~fitting)
    e = evaluate_model(model, history.take(tested))
    order = np.argsort(history.shipped[tested], kind="stable")
    carrier_rows = uses.to_numpy()[tested][order]
    seconds = time.perf_counter() - t0
    print(f"simulated {len(frame)} shipments of the default world ({seconds:.1f} s in all);")
    print(f"{args.carrier}'s transit x{SLOWER} for orders from {shift}; fitted on orders before")
    print(
        f"{START + timedelta(days=FIT_DAYS)}; {int(carrier_rows.sum())} of {e.n_test} tested"
        " shipments use the carrier"
    )
    print(f"conformal: gamma {args.gamma}, max_age_days {args.max_age_days}")
    _weekly(e, carrier_rows, shift)


def _carrier(network: Network, service_id: str) -> str:
    return network.service_by_id[service_id].carrier


def _weekly(e: OnlineEvaluation, carrier_rows: np.ndarray, shift: date) -> None:
    shift_day = (np.datetime64(shift) - np.datetime64("1970-01-01")).astype(int)
    week = ((e.shipped_day - shift_day) // 7).astype(int)
    hit95 = e.delivered_day <= e.column(0.95)
    hit90 = e.delivered_day <= e.column(0.9)
    print(
        f"\n{'week of orders':>15} {'n':>6} {'P90':>7} {'P95':>7} {'carrier P95':>12}"
        f" {'4-week P95':>11}"
    )
    recovered = None
    for w in range(int(week.min()), int(week.max()) + 1):
        inside = week == w
        rolling = (week > w - 4) & (week <= w)
        mine = inside & carrier_rows
        p95_4w = hit95[rolling].mean()
        print(
            f"{w:>+15d} {int(inside.sum()):>6} {hit90[inside].mean():7.1%}"
            f" {hit95[inside].mean():7.1%}"
            f" {hit95[mine].mean() if mine.any() else float('nan'):12.1%} {p95_4w:11.1%}"
        )
    weekly = {w: hit95[week == w].mean() for w in range(0, int(week.max()) + 1)}
    for w in weekly:
        run = [weekly.get(v) for v in range(w, w + 4)]
        if all(c is not None and abs(c - 0.95) <= 0.02 for c in run):
            recovered = w
            break
    when = "never" if recovered is None else f"week {recovered:+d} after the shift"
    print("\nP95 coverage of each week's orders is within 2 points of 95 % for 4 weeks running")
    print(f"from {when} on (target: within 4 weeks of data after the shift)")


if __name__ == "__main__":
    main()
