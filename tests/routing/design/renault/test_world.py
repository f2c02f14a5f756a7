"""The tiny instance written as a glocal world."""

from routing.design.renault.instance import Instance
from routing.design.renault.world import stand_in_countries, world_files


def test_obfuscated_countries_get_the_given_codes_then_stand_ins(tiny: Instance) -> None:
    assert stand_in_countries(tiny, {"CCC": "ES"}) == {"AAA": "FR", "BBB": "DE", "CCC": "ES"}


def test_the_forecast_has_one_row_per_order(tiny: Instance) -> None:
    rows = world_files(tiny, {})["commodities.csv"].splitlines()
    assert rows[1:] == [
        "FR-101-SUPPLIER,DE-901-PLANT,2.50,1,1,-1,2,0,2025-03-24",
        "FR-101-SUPPLIER,DE-901-PLANT,4.00,1,2,0,2,0.01,2025-03-31",
        "ES-102-SUPPLIER,DE-901-PLANT,6.00,2,2,1,1,0,2025-03-31",
    ]
