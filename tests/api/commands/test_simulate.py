"""api/commands/simulate.py: `glocal simulate-checkout` prints a run's figures, as JSON
with `--json`; a wrong option is one line naming it."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest


def test_json_holds_the_runs_figures(run_glocal: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = run_glocal(
        "simulate-checkout", "--policy", "fcfs", "--arrivals", "60", "--seed", "2", "--json"
    )
    assert code == 0
    found = json.loads(out)
    assert found["policy"] == "fcfs" and found["seed"] == 2 and found["arrivals"] >= 59
    assert found["cost"] == pytest.approx(sum(found["parts"].values()), abs=0.05)
    assert set(found) >= {"on_time_share", "spot_share", "unplanned", "options_per_quote"}
    code, out, _ = run_glocal("simulate-checkout", "--policy", "fcfs", "--arrivals", "60")
    assert code == 0 and "policy fcfs, seed 1" in out and "logistics cost EUR" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--policy", "lottery"], "--policy must be one of fcfs, bid-price, hindsight"),
        (["--profile", "xmas"], "unknown profile 'xmas'"),
        (["--pricing", "auction"], "pricing must be one of rank, surcharge, hide"),
    ],
)
def test_a_wrong_option_is_named(
    run_glocal: Callable[..., tuple[int, str, str]], args: list[str], says: str
) -> None:
    code, _, err = run_glocal("simulate-checkout", "--arrivals", "10", *args)
    assert code == 1 and err.startswith("error: ") and says in err
