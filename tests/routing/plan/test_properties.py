"""Invariants of every plan: no capacity exceeded, every order exactly once, the optimised
plan never dearer than the greedy one; and the pieces the planner is built from."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from api.commands.plan import app
from carriers.errors import InvalidPlanInput
from routing.fx import load_fx
from routing.network import Network, load_network
from routing.network.lanes import NOT_PRICEABLE, lane_charges
from routing.plan import (
    PLAN_COLUMNS,
    PlanParams,
    Scenario,
    plan_orders,
    plan_table,
    sample_orders,
    solve_block,
    validate_orders,
)
from routing.plan.capacity import Override
from routing.plan.matrix import lane_matrix
from tests.routing.plan.conftest import one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weights=st.lists(st.floats(0.1, 25.0), min_size=1, max_size=60),
    rail_kg=st.floats(0.0, 300.0),
    air_kg=st.floats(0.0, 300.0),
)
def test_no_plan_exceeds_a_capacity_and_every_order_appears_once(
    two_lanes: Network, weights: list[float], rail_kg: float, air_kg: float
) -> None:
    frame = one_kilo_orders(len(weights))
    frame["weight_kg"] = [f"{w:.3f}" for w in weights]
    table, _ = validate_orders(frame, two_lanes)
    net = two_lanes.compiled
    overrides = [
        Override(net.service_index["lanes-rail"], None, rail_kg, None),
        Override(net.service_index["lanes-air"], None, air_kg, None),
    ]
    result = plan_orders(table, two_lanes, PARAMS, overrides=overrides)
    out = plan_table(result)
    assert sorted(out["order_id"]) == sorted(frame["order_id"])
    for e in (result.plan_eval, result.greedy_eval):
        assert np.all(e.load_kg <= result.rows.cap_kg + 1e-6)
        assert np.all(e.load_m3 <= result.rows.cap_m3 + 1e-9)
    assert result.plan_eval.objective <= result.greedy_eval.objective + 1e-6


@pytest.fixture(scope="module")
def world() -> Network:
    return load_network()


@pytest.fixture(scope="module")
def sample_plan(world: Network):
    table, _ = validate_orders(sample_orders(400, seed=5), world)
    return plan_orders(table, world, PlanParams(time_limit_s=10))


def test_default_world_plan_is_feasible_and_beats_greedy(sample_plan) -> None:
    """400 sample orders on the default world: every order once, no capacity exceeded,
    optimised (before any fallback) no dearer than greedy."""
    r = sample_plan
    out = plan_table(r)
    assert len(out) == 400 and out["order_id"].is_unique
    assert set(out["status"]) <= {"planned", "unplanned"}
    assert (out.loc[out["status"] == "unplanned", "reason"] != "").all()
    assert np.all(r.plan_eval.load_kg <= r.rows.cap_kg + 1e-6)
    assert np.all(r.plan_eval.load_m3 <= r.rows.cap_m3 + 1e-9)
    assert r.plan_source == "model"
    assert r.plan_eval.objective <= r.greedy_eval.objective + 1e-6
    assert r.bound <= r.plan_eval.objective + 1e-6
    assert 0 <= r.gap < 0.05


def test_worker_processes_give_the_same_plan(world: Network, sample_plan) -> None:
    """The blocks solved in two worker processes: the very same plan as in-process."""
    table, _ = validate_orders(sample_orders(400, seed=5), world)
    pooled = plan_orders(table, world, PlanParams(time_limit_s=10, workers=2))
    assert plan_table(pooled).equals(plan_table(sample_plan))
    assert pooled.bound == sample_plan.bound


def test_blocks_are_picklable_and_pure(two_lanes: Network) -> None:
    """A block survives pickling (for a cluster) and solves to the same answer twice."""
    table, _ = validate_orders(one_kilo_orders(150), two_lanes)
    blocks = _build_blocks(two_lanes, table)
    assert blocks
    for b in blocks:
        again = pickle.loads(pickle.dumps(b))
        one, two = solve_block(b), solve_block(again)
        assert np.array_equal(one.flow, two.flow) and one.objective == two.objective


def _build_blocks(network: Network, table):
    """Blocks as plan_orders builds them, captured through its map function."""
    captured: list = []

    def capture(fn, blocks):
        items = list(blocks)
        captured.extend(items)
        return map(fn, items)

    plan_orders(table, network, PARAMS, map_fn=capture)
    return captured


def test_lane_matrix_prices_like_lane_charges(world: Network) -> None:
    """The per-order pricing equals routing.network.lanes.lane_charges, parcel by parcel."""
    table, _ = validate_orders(sample_orders(300, seed=9), world)
    fx, at = load_fx(), date(2026, 11, 9)
    m = lane_matrix(world.compiled, table, fx, at, "EUR")
    net = world.compiled
    for i in range(0, 300, 7):
        p = lane_charges(
            net.lanes,
            net.services,
            float(table.weight_kg[i]),
            (table.length_cm[i], table.width_cm[i], table.height_cm[i]),
            table.dest_country[i],
            table.dest_postal_code[i],
        ).total
        for k in np.flatnonzero(np.isfinite(m.price[:, i])):
            rate = float(fx.rate(net.services[k].rate_card.currency, "EUR", at).rate)
            assert p[k] != NOT_PRICEABLE
            assert m.price[k, i] == pytest.approx(p[k] * rate, abs=1e-6)


def test_bad_rows_stop_the_run_or_become_invalid(two_lanes: Network) -> None:
    frame = one_kilo_orders(4)
    frame.loc[1, "origin"] = "XX-NOWHERE"
    frame.loc[2, "weight_kg"] = "-1"
    frame.loc[3, "created_at"] = "yesterday"
    with pytest.raises(InvalidPlanInput) as caught:
        validate_orders(frame, two_lanes, "orders.csv")
    text = str(caught.value)
    assert "orders.csv:3: origin: unknown origin 'XX-NOWHERE'" in text
    assert "orders.csv:4: weight_kg: must be a number > 0" in text
    assert "orders.csv:5: created_at" in text
    table, invalid = validate_orders(frame, two_lanes, "orders.csv", skip_invalid=True)
    result = plan_orders(table, two_lanes, PARAMS, invalid=invalid)
    out = plan_table(result)
    assert list(out["order_id"]) == list(frame["order_id"])
    assert list(out["status"]) == ["planned", "invalid", "invalid", "invalid"]
    assert str(out.loc[2, "reason"]).startswith("line 4: weight_kg")


def test_cli_sample_orders_and_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "GLOCAL_NETWORK", str(Path(__file__).resolve().parents[2] / "data" / "plan_two_lanes")
    )
    orders = tmp_path / "orders.csv"
    one_kilo_orders(150).to_csv(orders, index=False)
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "plan",
            str(orders),
            "--out",
            str(tmp_path / "plan.csv"),
            "--summary",
            str(tmp_path / "s.json"),
            "--report",
            str(tmp_path / "r.html"),
            "--horizon-days",
            "7",
            "--time-limit",
            "5",
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r.html").read_text().count("data:image/png") == 3
    bad = runner.invoke(
        app, ["plan", str(orders), "--out", str(tmp_path / "p.csv"), "--close", "no-such-service"]
    )
    assert bad.exit_code == 1 and "unknown service" in bad.output
    sample = runner.invoke(
        app, ["sample-orders", "--n", "50", "--seed", "2", "--out", str(tmp_path / "sample.csv")]
    )
    assert sample.exit_code == 0
    assert len((tmp_path / "sample.csv").read_text().splitlines()) == 51


def test_sample_orders_are_fixed_by_seed() -> None:
    assert sample_orders(200, seed=4).equals(sample_orders(200, seed=4))
    assert not sample_orders(200, seed=4).equals(sample_orders(200, seed=5))


def test_scenario_rejects_unknown_services(two_lanes: Network) -> None:
    table, _ = validate_orders(one_kilo_orders(3), two_lanes)
    with pytest.raises(InvalidPlanInput, match="unknown service"):
        plan_orders(table, two_lanes, PARAMS, Scenario(scale_capacity=(("nope", 2.0),)))


def test_parquet_in_and_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sample-orders writes Parquet, plan reads it and writes its plan as Parquet."""
    monkeypatch.setenv(
        "GLOCAL_NETWORK", str(Path(__file__).resolve().parents[2] / "data" / "plan_two_lanes")
    )
    orders, out = tmp_path / "orders.parquet", tmp_path / "plan.parquet"
    one_kilo_orders(30).to_parquet(orders, index=False)
    runner = CliRunner()
    res = runner.invoke(app, ["plan", str(orders), "--out", str(out), "--horizon-days", "7"])
    assert res.exit_code == 0, res.output
    plan = pd.read_parquet(out)
    assert list(plan.columns) == list(PLAN_COLUMNS) and len(plan) == 30
    sample = runner.invoke(app, ["sample-orders", "--n", "20", "--out", str(tmp_path / "s.pq")])
    assert sample.exit_code == 0 and len(pd.read_parquet(tmp_path / "s.pq")) == 20


def test_glocal_has_the_plan_commands() -> None:
    from api.cli import app as glocal

    for command in ("plan", "sample-orders"):
        res = CliRunner().invoke(glocal, [command, "--help"])
        assert res.exit_code == 0 and "Usage" in res.output


def test_solver_output_never_reaches_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    """What a solver prints on the C-level stdout (HiGHS debugging lines) is dropped."""
    import os

    from routing.plan.solver import _quiet_stdout

    with _quiet_stdout():
        os.write(1, b"HighsMipSolverData::transformNewIntegerFeasibleSolution\n")
    print("after")
    assert capfd.readouterr().out == "after\n"
