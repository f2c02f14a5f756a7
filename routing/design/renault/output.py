"""A solution of the Renault instance in its own terms and in glocal's: the path of every
bundle (`paths.csv`), the vehicles per leg and departure week as `bookings.csv` in the
form `routing/design/bookings.py` writes (the services and units `glocal import renault`
names), and `report.html`: the busiest flows and the vehicles' fill.

A booking row is a per-vehicle leg in a departure week with at least one vehicle: units
= the vehicles First-Fit Decreasing opens there, `expected_m3` the volume they carry.
kg stand at 1,000 per m3, as the imported world's vehicles do; linear legs book nothing.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Mapping
from datetime import timedelta

import pandas as pd

from routing.design.bookings import BOOKING_COLUMNS
from routing.design.renault.evaluate import Evaluation, Path, loads
from routing.design.renault.instance import VOLUME_FACTOR, Instance
from routing.design.renault.world import CURRENCY

KG_PER_M3 = 1000.0


def paths_frame(instance: Instance, paths: Mapping[int, Path]) -> pd.DataFrame:
    """One row per bundle: supplier, plant and the points of its path."""
    rows = [
        {
            "supplier_account": instance.bundles[b].supplier,
            "customer_account": instance.bundles[b].plant,
            "path": " ".join(p),
            "legs": len(p) - 1,
        }
        for b, p in sorted(paths.items())
    ]
    return pd.DataFrame(rows, columns=["supplier_account", "customer_account", "path", "legs"])


def bookings_frame(instance: Instance, found: Evaluation) -> pd.DataFrame:
    """The vehicles of `found` as bookings.csv rows (see the module)."""
    out = []
    for (src, dst, week), vehicles in sorted(found.vehicles.items()):
        leg = instance.legs[(src, dst)]
        m3 = leg.capacity / VOLUME_FACTOR
        monday = instance.first_week + timedelta(weeks=week - 1)
        monday -= timedelta(days=monday.weekday())
        load = sum(vehicles) / VOLUME_FACTOR
        out.append(
            {
                "service_id": f"renault-{src}-{dst}",
                "departure_date": monday.isoformat(),
                "week": monday.isoformat(),
                "unit_type": "container" if leg.leg_type == "oversea" else "truck",
                "units": len(vehicles),
                "unit_kg": m3 * KG_PER_M3,
                "unit_m3": m3,
                "kg": round(len(vehicles) * m3 * KG_PER_M3, 3),
                "m3": round(len(vehicles) * m3, 3),
                "fixed_cost": f"{len(vehicles) * leg.shipment_cost:.2f}",
                "currency": CURRENCY,
                "expected_kg": round(load * KG_PER_M3, 3),
                "expected_m3": round(load, 3),
                "spot_kg": 0.0,
            }
        )
    return pd.DataFrame(out, columns=list(BOOKING_COLUMNS))


def flows_frame(instance: Instance, paths: Mapping[int, Path]) -> pd.DataFrame:
    """m3 over the horizon per leg, busiest first."""
    on, _ = loads(instance, paths)
    volume: dict[tuple[str, str], float] = {}
    for (src, dst, _week), sizes in on.items():
        volume[(src, dst)] = volume.get((src, dst), 0.0) + sum(sizes) / VOLUME_FACTOR
    for b, p in paths.items():  # linear legs: loads() prices them without listing them
        for u, v in itertools.pairwise(p):
            if instance.legs[(u, v)].is_linear:
                m3 = sum(o.volume for o in instance.bundles[b].orders) / VOLUME_FACTOR
                volume[(u, v)] = volume.get((u, v), 0.0) + m3
    rows = [
        {
            "from": u,
            "to": v,
            "from_kind": instance.points[u].kind,
            "to_kind": instance.points[v].kind,
            "leg_type": instance.legs[(u, v)].leg_type,
            "m3": round(m3, 2),
        }
        for (u, v), m3 in volume.items()
    ]
    frame = pd.DataFrame(rows, columns=["from", "to", "from_kind", "to_kind", "leg_type", "m3"])
    return frame.sort_values(["m3", "from", "to"], ascending=[False, True, True], kind="stable")


def report_html(
    instance: Instance, paths: Mapping[int, Path], found: Evaluation, figures: Mapping[str, str]
) -> str:
    """A self-contained page: the headline figures, the fill of the vehicles by leg type
    and in bands, and the 30 busiest flows."""
    per_leg = pd.DataFrame(
        [
            {
                "leg_type": instance.legs[k[:2]].leg_type,
                "vehicles": len(v),
                "m3": sum(v) / VOLUME_FACTOR,
                "room": len(v) * instance.legs[k[:2]].capacity / VOLUME_FACTOR,
            }
            for k, v in found.vehicles.items()
        ],
        columns=["leg_type", "vehicles", "m3", "room"],
    )
    by_type = per_leg.groupby("leg_type").sum()
    by_type["fill"] = (by_type.m3 / by_type.room).map("{:.1%}".format)
    fills = [load / instance.legs[k[:2]].capacity for k, v in found.vehicles.items() for load in v]
    bands = pd.cut(pd.Series(fills), [0, 0.25, 0.5, 0.75, 0.9, 1.0 + 1e-9]).value_counts()
    head = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in figures.items()
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Renault inbound</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head><body>"
        "<h1>Renault inbound: the solution</h1>"
        f"<table>{head}</table>"
        "<h2>Vehicles by leg type</h2>"
        + by_type.to_html()
        + "<h2>Vehicles by fill</h2>"
        + bands.sort_index().rename("vehicles").to_frame().to_html()
        + "<h2>The 30 busiest flows (m3 over the horizon)</h2>"
        + flows_frame(instance, paths).head(30).to_html(index=False)
        + f"<p>{len(paths)} bundles; the coordinates of the points are not published, so"
        " the flows are listed, not mapped.</p></body></html>"
    )
