"""The promise engine: when a parcel on a route will reach the buyer, as a distribution of
local delivery dates (P50 / P90 / P95), from schedules, cut-offs, transit times,
clearance and the calendars of every place it passes.

    promise(route, order_time, network)        # Promise: pmf over local dates, quantiles
    promise_all(candidate_routes(...), ...)    # the promise of each route, with its family
    calibrate(read_history(path))              # transit-time fits from a shipment history
    simulate_history(network, n)               # a history sampled parcel by parcel

It never imports the quote or plan engines.
"""

from routing.promise.calibration import (
    Calibration,
    CalibrationParams,
    Evaluation,
    calibrate,
    evaluate,
)
from routing.promise.engine import STANDARD, Promise, clear_caches, promise
from routing.promise.families import (
    RouteFamily,
    RoutePromise,
    best_per_family,
    candidate_routes,
    promise_all,
    route_family,
)
from routing.promise.history import History, parse_columns, read_history
from routing.promise.legs import PromiseSettings, default_settings
from routing.promise.simulate import simulate_history, simulate_route

__all__ = [
    "STANDARD",
    "Calibration",
    "CalibrationParams",
    "Evaluation",
    "History",
    "Promise",
    "PromiseSettings",
    "RouteFamily",
    "RoutePromise",
    "best_per_family",
    "calibrate",
    "candidate_routes",
    "clear_caches",
    "default_settings",
    "evaluate",
    "parse_columns",
    "promise",
    "promise_all",
    "read_history",
    "route_family",
    "simulate_history",
    "simulate_route",
]
