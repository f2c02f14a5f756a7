"""api/bidprice_solver.py: the scheduled re-solve plans the forecast orders not placed yet
over the capacity not sold yet and publishes the averaged prices, on the two-lane world
(its README: 100 kg of rail a departure, the rest by air; the plan prices a rail kg at
EUR 2.92)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from api.bidprice_solver import BidPriceSolver
from routing.calendar import day_number
from routing.capacity import CapacityLimits
from routing.capacity.bidprices import read_bid_prices
from routing.capacity.state import CapacityView, Sold
from routing.network import load_network
from tests.api.jobs.conftest import two_lane_orders
from tests.helpers import DATA


def solver(tmp_path: Path, sold: dict) -> BidPriceSolver:
    network = load_network(DATA / "plan_two_lanes")
    orders = tmp_path / "forecast.csv"
    orders.write_bytes(two_lane_orders(150))
    board = SimpleNamespace(view=CapacityView(CapacityLimits(network.compiled), sold))
    return BidPriceSolver(network, board, orders, tmp_path / "bids.json", 60, 7)  # type: ignore[arg-type]


def test_the_orders_to_come_price_the_rail_departure(tmp_path: Path) -> None:
    s = solver(tmp_path, {})
    found = s.solve_once(datetime(2026, 11, 9, 0, 0, tzinfo=UTC))  # before every order
    assert read_bid_prices(s.out).snapshot_id == found.snapshot_id
    rail = [kg for (svc, _), (kg, _) in found.prices.items() if svc == "lanes-rail"]
    assert max(rail) == pytest.approx(292, abs=1)
    assert "re-solves" in found.method


def test_the_capacity_left_is_the_capacity_less_what_is_sold(tmp_path: Path) -> None:
    day = date(2026, 11, 10)
    s = solver(tmp_path, {("lanes-rail", day): Sold(60.0, 0.0)})
    [left] = s.remaining_capacity()
    k = s.network.compiled.service_index["lanes-rail"]
    cap_kg, _ = s.board.view.capacity(k, day)
    assert (left.service, left.day, left.kg) == (k, day_number(day), cap_kg - 60.0)


def test_no_order_left_to_come_publishes_no_prices(tmp_path: Path) -> None:
    s = solver(tmp_path, {})
    found = s.solve_once(datetime(2026, 11, 10, tzinfo=UTC))  # every order placed
    assert found.prices == {} and read_bid_prices(s.out).method == "no demand left"


def test_the_server_re_solves_only_with_interval_orders_and_file(tmp_path: Path) -> None:
    from api.app import bidprice_solver
    from api.settings import Settings

    state = SimpleNamespace(network=None, capacity=None)
    on = Settings(
        bidprice_interval_s=300,
        bidprice_orders=tmp_path / "o.csv",
        bidprice_file=tmp_path / "b.json",
        bidprice_time_limit_s=30,
    )
    made = bidprice_solver(on, state)  # type: ignore[arg-type]
    assert made is not None and (made.out, made.time_limit_s) == (tmp_path / "b.json", 30)
    assert bidprice_solver(Settings(bidprice_file=tmp_path / "b.json"), state) is None  # type: ignore[arg-type]
