"""The instance as an ordinary glocal world: nodes.csv, one carrier file per leg type and
commodities.csv (the forecast: volume, delivery and release week, maximum lead time,
lead-time cost per km).

What the instance does not give is said, not guessed silently:
- countries are obfuscated in the source (CIO, YAS, MOU...): each becomes a stand-in ISO
  code (`--country CIO=FR` to choose), named as a stand-in in the node's `source`;
- no coordinates: every node stands at a stand-in point of its continent, so lane
  distances come from the legs' `distance_km`, not from the map;
- travel times are whole weeks (0: within the week, 1: the next): transit_days are
  min 7w, p50 7w + 3, p90 7w + 6; every lane leaves weekly (Mondays);
- no weights: a vehicle's capacity_kg is 1,000 kg per m3 (volume always binds);
- currency: the source states none; EUR is written. Amounts round to cents (per-m3 rates
  of linear legs, carbon per m3): the instance's exact costs are the evaluator's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from routing.design.renault.instance import VOLUME_FACTOR, Instance, Leg, Point

KINDS = {
    "supplier": "warehouse",
    "platform": "consolidation_centre",
    "pol": "seaport",
    "pod": "seaport",
    "plant": "destination_zone",
}
STAND_INS = ("FR", "ES", "DE", "IT", "PT", "BE", "NL", "PL", "CZ", "RO", "SK", "SI")
CONTINENT_POINT = {"Europe": (50.0, 10.0, "Europe/Paris")}
CURRENCY = "EUR"


def node_id(p: Point, countries: Mapping[str, str]) -> str:
    return f"{countries[p.country]}-{p.account}-{p.kind.upper()}"


def stand_in_countries(instance: Instance, given: Mapping[str, str]) -> dict[str, str]:
    """Obfuscated code -> ISO code: the given ones, then unused stand-ins in order."""
    found = dict(given)
    spare = iter(c for c in STAND_INS if c not in found.values())
    for code in sorted({p.country for p in instance.points.values()}):
        if code not in found:
            found[code] = next(spare)
    return found


def nodes_csv(instance: Instance, countries: Mapping[str, str]) -> str:
    head = "id,kind,country,city,lat,lon,tz,source,handling_cost_per_m3,capacity_m3_per_week"
    lines = [head]
    for p in instance.points.values():
        lat, lon, tz = CONTINENT_POINT.get(p.continent, (0.0, 0.0, "UTC"))
        source = (
            f"Renault inbound {p.kind} {p.account}; country {p.country} obfuscated in the"
            f" source, {countries[p.country]} a stand-in; coordinates not published"
        )
        handling = f"{p.cost_per_m3:.2f} {CURRENCY}" if p.cost_per_m3 else ""
        row = [node_id(p, countries), KINDS[p.kind], countries[p.country], p.account]
        row += [str(lat), str(lon), tz, f'"{source}"', handling, f"{p.capacity_m3:g}"]
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def carrier_toml(
    instance: Instance, leg_type: str, legs: list[Leg], countries: Mapping[str, str]
) -> str:
    """One carrier file: the legs of one leg type as services."""
    out = [
        "# Renault inbound instance (Renault Group and CERMICS, CC-BY-4.0), imported by",
        "# `glocal import renault`; what the import stands in for: routing/design/renault/world.py",
        "[carrier]",
        f'id = "renault-{leg_type.replace("_", "-")}"',
        f'name = "Renault inbound {leg_type} legs"',
        'source = "RenaultInbound, Zenodo 10.5281/zenodo.17234091 (CC-BY-4.0)"',
        "",
        "[rate_cards.per-vehicle]",
        f'currency = "{CURRENCY}"',
        "illustrative = false",
        'source = "legs priced per vehicle: the cost is the unit\'s"',
        "breaks = [{ up_to_kg = 100000, per_kg = 0, per_piece = 0 }]",
    ]
    for leg in legs:
        if leg.is_linear:
            out += _linear_card(leg)
    for leg in legs:
        out += _service(instance, leg, countries)
    return "\n".join(out) + "\n"


def _linear_card(leg: Leg) -> list[str]:
    per_m3 = leg.shipment_cost / (leg.capacity / VOLUME_FACTOR)
    return [
        "",
        f"[rate_cards.linear-{leg.src}-{leg.dst}]",
        f'currency = "{CURRENCY}"',
        "illustrative = false",
        'source = "linear leg: per m3 (1 chargeable kg = 1 m3)"',
        "volumetric_divisor = 1000000",
        f"breaks = [{{ up_to_kg = 100000, per_kg = {per_m3:.2f}, per_piece = 0 }}]",
    ]


def _service(instance: Instance, leg: Leg, countries: Mapping[str, str]) -> list[str]:
    src, dst = instance.points[leg.src], instance.points[leg.dst]
    m3 = leg.capacity / VOLUME_FACTOR
    days = 7 * leg.weeks
    card = f"linear-{leg.src}-{leg.dst}" if leg.is_linear else "per-vehicle"
    mode = "sea" if leg.leg_type == "oversea" else "road"
    lines = [
        "",
        "[[services]]",
        f'id = "renault-{leg.src}-{leg.dst}"',
        f'from = "{node_id(src, countries)}"',
        f'to = "{node_id(dst, countries)}"',
        f'mode = "{mode}"',
        f'rate_card = "{card}"',
        f"transit_days = {{ min = {days}, p50 = {days + 3}, p90 = {days + 6} }}",
        'departures = ["mon"]',
        "weekends = true",
        f"distance_km = {leg.distance_km:.3f}",
        f'carbon_cost_per_m3 = "{leg.carbon_cost / m3:.2f} {CURRENCY}"',
    ]
    if not leg.is_linear:
        name = "container" if mode == "sea" else "truck"
        lines.append(
            f'unit = {{ name = "{name}", capacity_kg = {m3 * 1000:g}, capacity_m3 = {m3:g},'
            f' cost = "{leg.shipment_cost:.2f} {CURRENCY}" }}'
        )
    if dst.kind == "plant":
        lines.append(f'coverage = [{{ country = "{countries[dst.country]}" }}]')
    return lines


def commodities_csv(instance: Instance, countries: Mapping[str, str]) -> str:
    """One row per order: the forecast of the world."""
    head = "origin,destination,volume_m3,units,delivery_week,release_week,max_lead_weeks"
    lines = [head + ",lead_time_cost_per_km,delivery_date"]
    for b in instance.bundles:
        origin = node_id(instance.points[b.supplier], countries)
        dest = node_id(instance.points[b.plant], countries)
        for o in b.orders:
            day = instance.first_week + timedelta(weeks=o.week - 1)
            row = [origin, dest, f"{o.volume / VOLUME_FACTOR:.2f}", str(len(o.sizes))]
            row += [str(o.week), str(o.week - o.max_weeks), str(o.max_weeks)]
            lines.append(",".join([*row, f"{o.lead_time_cost:.10g}", day.isoformat()]))
    return "\n".join(lines) + "\n"


def world_files(instance: Instance, given: Mapping[str, str]) -> dict[str, str]:
    """Relative path -> text of every file of the world."""
    countries = stand_in_countries(instance, given)
    by_type: dict[str, list[Leg]] = {}
    for leg in instance.legs.values():
        by_type.setdefault(leg.leg_type, []).append(leg)
    files = {"nodes.csv": nodes_csv(instance, countries)}
    for leg_type, legs in sorted(by_type.items()):
        name = leg_type.replace("_", "-")
        files[f"carriers/renault-{name}.toml"] = carrier_toml(instance, leg_type, legs, countries)
    files["commodities.csv"] = commodities_csv(instance, countries)
    return files
