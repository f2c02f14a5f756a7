"""Route ids: service ids joined by "+", parsed back against a network."""

from __future__ import annotations

from typing import Any

import pytest

from carriers.errors import InvalidRoute
from routing.customs import parse_route_id, route_id
from routing.customs.routes import import_service, node_country


def test_a_route_id_round_trips(world: Any) -> None:
    """route_id(parse_route_id(text)) is the text."""
    text = "feeder-yiw-pvg+line-pvg-mad-post+correos-es-paq"
    route = parse_route_id(world, text)
    assert route_id(route) == text
    assert [s.id for s in route] == text.split("+")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feeder-yiw-pvg+nope", "unknown service"),
        ("feeder-yiw-pvg+correos-es-paq", "starts at ES-MAD-HUB"),
        ("", "joined by"),
        ("feeder-yiw-pvg++correos-es-paq", "joined by"),
    ],
)
def test_a_bad_route_id_says_what_is_wrong(world: Any, text: str, message: str) -> None:
    """Unknown services and legs that do not connect are InvalidRoute errors."""
    with pytest.raises(InvalidRoute, match=message):
        parse_route_id(world, text)


def test_the_import_service_is_the_last_that_clears(world: Any) -> None:
    """On hub + Canaries post, Correos (the last clearing leg) clears the import."""
    route = parse_route_id(world, "feeder-yiw-pvg+line-pvg-mad-hub+correos-ic-paq")
    service = import_service(route)
    assert service is not None and service.id == "correos-ic-paq"


def test_node_countries_come_from_the_network_or_the_id(world: Any) -> None:
    """With a network the node's country is read; without, the COUNTRY- prefix."""
    assert node_country("ES-CAN-ZONE", world) == "ES"
    assert node_country("BR-GRU-AIR") == "BR"
    with pytest.raises(InvalidRoute):
        node_country("XX1-HUB")
