"""The routes as operated (`*_routes.csv`): for each bundle, its points in order.

The file numbers each route's points from the plant (`point_number` 1) back to the
supplier; in the published snapshot it lists only those two, the supplier numbered with
the route's length (2 for a direct leg, 4 for a route through two more points whose
names the file leaves out). A route is complete when every number from 1 to the
supplier's is present; the rest are reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from routing.design.renault.evaluate import Path
from routing.design.renault.instance import Instance


@dataclass(frozen=True)
class OperatedRoutes:
    complete: dict[int, Path]  # bundle index -> points, supplier first
    incomplete: dict[int, int]  # bundle index -> the route's stated number of points
    unknown: int  # routes of no bundle of the instance


def operated_routes(instance: Instance, rows: Iterable[Mapping[str, str]]) -> OperatedRoutes:
    by_route: dict[str, dict[int, str]] = {}
    ends: dict[str, tuple[str, str]] = {}
    for row in rows:
        route = row["bundle_id"]
        by_route.setdefault(route, {})[int(float(row["point_number"]))] = row["point_account"]
        ends[route] = (row["supplier_account"], row["customer_account"])
    complete: dict[int, Path] = {}
    incomplete: dict[int, int] = {}
    unknown = 0
    for route, points in by_route.items():
        bundle = instance.bundle_of(*ends[route])
        if bundle is None:
            unknown += 1
            continue
        length = max(points)
        if set(points) == set(range(1, length + 1)):
            complete[bundle] = tuple(points[n] for n in range(length, 0, -1))
        else:
            incomplete[bundle] = length
    return OperatedRoutes(complete, incomplete, unknown)
