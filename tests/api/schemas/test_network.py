"""api/schemas/network.py: `summary_body` and `carriers_body` write the loaded network's
figures and carriers exactly as `NetworkSummary` and `CarriersResponse` declare them: on
the tiny network, checkable on paper, and on random networks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from api.schemas import CarriersResponse, NetworkSummary, carriers_body, summary_body
from routing.network import Network
from routing.network.summary import summarize
from tests.helpers import random_network


def test_the_summary_names_the_network_and_leaves_out_where_it_lies(tiny: Network) -> None:
    """The tiny network: 5 nodes, 5 services, 3 carriers; named as given, no server path;
    read back through its model unchanged."""
    body = summary_body(summarize(tiny), "tiny")
    assert next(iter(body)) == "network" and "source" not in body
    assert (body["network"], body["nodes"], body["services"], body["carriers"]) == ("tiny", 5, 5, 3)
    assert body["services_by_carrier"] == {"feeder": 1, "lastmile": 3, "skyline": 1}
    assert body["origins"] == ["CN-YIW-WH", "ES-MAD-HUB"]
    assert NetworkSummary.model_validate(body).model_dump(mode="json") == body
    assert summary_body(summarize(tiny), None)["network"] is None


def test_carriers_are_listed_by_id_with_their_names_and_services(tiny: Network) -> None:
    """Sorted by id, each with its display name; a carrier named in the network but
    offering nothing is listed with no services."""
    named = Network(tiny.nodes, tiny.services, carrier_names={**tiny.carrier_names, "idle": "Idle"})
    carriers = carriers_body(named)["carriers"]
    assert [(c["id"], c["name"], len(c["services"])) for c in carriers] == [
        ("feeder", "Test Feeder", 1),
        ("idle", "Idle", 0),
        ("lastmile", "Test Last Mile", 3),
        ("skyline", "Test Air", 1),
    ]
    lastmile = [s["id"] for s in carriers[2]["services"]]
    assert lastmile == sorted(lastmile)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_every_service_is_listed_once_under_its_carrier(seed: int) -> None:
    """On a random network (its carrier unnamed, so named by its id): each service once,
    under its own carrier, and the body is what `CarriersResponse` declares."""
    network = random_network(seed)
    body = carriers_body(network)
    listed = [(c["id"], s["id"]) for c in body["carriers"] for s in c["services"]]
    assert sorted(listed) == sorted((s.carrier, s.id) for s in network.services)
    assert all(c["name"] == c["id"] for c in body["carriers"])
    model = CarriersResponse.model_validate(body)
    assert model.model_dump(mode="json", by_alias=True) == body
