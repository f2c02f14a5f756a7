"""carriers/places.py: the vocabularies of places, ISO 3166-1 countries and IANA time zones,
as every loader and the order parser check them."""

from __future__ import annotations

from carriers.places import is_country, iso_countries, time_zones
from routing.network import Network


def test_the_markets_and_origins_are_countries() -> None:
    """Every country glocal ships from or to is an ISO code; CLDR's three-digit regions
    (150 Europe, 419 Latin America) and lower case are not."""
    for code in ("CN", "ES", "PT", "BR", "RU", "ID", "US", "GB", "DE", "FR", "IT"):
        assert is_country(code), code
    for code in ("150", "419", "es", "ESP", "", "SP"):
        assert not is_country(code), code
    assert all(len(c) == 2 and c.isupper() for c in iso_countries())


def test_regions_that_name_no_place_are_not_countries() -> None:
    """CLDR's groupings (EU, EZ euro area, UN, QO Outlying Oceania), its unknown region ZZ
    and its pseudo-locale regions XA, XB are refused; Ceuta-Melilla (EA) and the Canary
    Islands (IC), which the customs data names, stay."""
    for code in ("EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"):
        assert not is_country(code), code
    for code in ("EA", "IC"):
        assert is_country(code), code


def test_the_default_worlds_places_are_in_the_vocabularies(default_world: Network) -> None:
    """Every node of data/ has a known country and a known IANA time zone."""
    for node in default_world.nodes.values():
        assert is_country(node.country), node.id
        assert node.tz in time_zones(), node.id


def test_time_zones_are_iana_names() -> None:
    """Region/City names are time zones; a misspelt city or a UTC offset is not."""
    zones = time_zones()
    assert {"Europe/Madrid", "Asia/Shanghai", "America/Sao_Paulo", "UTC"} <= zones
    assert "Europe/Lisboa" not in zones and "+08:00" not in zones


def test_the_vocabularies_are_read_once() -> None:
    """Both sets are built once and shared (the loaders check every row against them)."""
    assert iso_countries() is iso_countries() and time_zones() is time_zones()
