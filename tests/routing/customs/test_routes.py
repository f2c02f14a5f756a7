"""Route ids: service ids joined by "+", parsed back against a network; and the customs
facts of a route: who clears import, which leg needs a postal form, its modes."""

from __future__ import annotations

from typing import Any

import pytest

from carriers.errors import InvalidRoute
from carriers.model import Mode
from routing.customs import parse_route_id, route_id
from routing.customs.routes import (
    import_service,
    node_country,
    postal_border_crossing,
    route_modes,
)


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


@pytest.mark.parametrize(
    ("text", "postal"),
    [
        # the postal line crosses from China to Spain
        ("feeder-yiw-pvg+line-pvg-mad-post+correos-es-paq", "line-pvg-mad-post"),
        # Madrid to the Canaries crosses no border, but the post clears the import
        ("correos-ic-paq", "correos-ic-paq"),
        # an express courier: no postal leg at all
        ("feeder-yiw-pvg+express-pvg-gb", None),
        # bulk air freight to the hub, then the Spanish post inside Spain
        ("feeder-yiw-pvg+line-pvg-mad-hub+correos-es-paq", None),
    ],
)
def test_the_postal_leg_that_needs_a_customs_form(
    world: Any, text: str, postal: str | None
) -> None:
    """A postal leg that crosses a border, else a postal import clearance, needs a CN22 or
    CN23; a domestic postal leg after a bulk import does not."""
    found = postal_border_crossing(parse_route_id(world, text), world)
    assert (found.id if found else None) == postal


def test_a_routes_modes_are_those_of_its_legs(world: Any) -> None:
    """Road feeder, postal line-haul, postal last mile: road and postal."""
    route = parse_route_id(world, "feeder-yiw-pvg+line-pvg-mad-post+correos-es-paq")
    assert route_modes(route) == frozenset({Mode.ROAD, Mode.POSTAL})
