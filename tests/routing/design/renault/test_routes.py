"""As-operated routes: complete ones become paths, gaps are reported, not guessed."""

from routing.design.renault.instance import Instance
from routing.design.renault.read import read_routes
from routing.design.renault.routes import operated_routes

from .conftest import TINY


def test_a_route_with_every_point_is_a_path_and_one_with_gaps_is_not(tiny: Instance) -> None:
    found = operated_routes(tiny, read_routes(TINY))
    assert found.complete == {0: ("101", "901")}
    assert found.incomplete == {1: 3}
    assert found.unknown == 1  # supplier 777 has no commodity
