"""The map's lanes: one per pair of nodes with its services, weighed by utilisation."""

from __future__ import annotations

from api.console.lanes import lane_services, map_data, utilisation_by_service
from routing.network import Network


def test_every_service_is_on_exactly_one_lane(tiny: Network) -> None:
    data = map_data(tiny, {})
    on_lanes = sorted(s for lane in data["lanes"] for s in lane["services"])
    assert on_lanes == sorted(s.id for s in tiny.services)
    assert {n["id"] for n in data["nodes"]} == set(tiny.nodes)
    for lane in data["lanes"]:
        assert lane["id"] == f"{lane['from']}>{lane['to']}" and lane["utilisation"] is None


def test_utilisation_is_the_mean_over_a_services_departures(tiny: Network) -> None:
    service = tiny.services[0]
    summary = {"departures": [{"service": service.id, "utilisation": u} for u in (0.2, 0.6)]}
    used = utilisation_by_service(summary)
    assert used == {service.id: 0.4}
    lane = next(x for x in map_data(tiny, used)["lanes"] if service.id in x["services"])
    assert lane["utilisation"] == 0.4


def test_a_lane_shows_its_services_schedule_transit_and_rates(tiny: Network) -> None:
    service = tiny.services[0]
    shown = lane_services(tiny, f"{service.from_node}>{service.to_node}")
    detail = next(d for d in shown if d["id"] == service.id)
    assert detail["transit"]["p90"] == service.transit.p90_days
    assert detail["rates"]["currency"] == service.rate_card.currency
    assert len(detail["departs"]) == len(service.schedule.weekdays)
    assert lane_services(tiny, "NOWHERE>ELSE") == []
