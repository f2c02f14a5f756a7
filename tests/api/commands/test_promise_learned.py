"""`glocal promise calibrate --model/--append` and `glocal promise evaluate --split
--report` (api/commands/promise_learned.py), run as a user runs them on a small simulated
history of the promise test world."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from routing.promise.learned import PromiseModel
from tests.helpers import DATA

Glocal = Callable[..., tuple[int, str, str]]
WORLD = str(DATA / "promise_world")


@pytest.fixture
def history(run_glocal: Glocal, tmp_path: Path) -> Path:
    path = tmp_path / "history.csv"
    code, _, err = run_glocal(
        "promise", "simulate", "--n", "600", "--seed", "3", "--out", str(path), "--network", WORLD
    )
    assert (code, err) == (0, "")
    return path


def test_calibrate_writes_a_model_that_append_updates(
    run_glocal: Glocal, history: Path, tmp_path: Path
) -> None:
    """--model writes the learned promise; --append replays new shipments into it: the
    same boosters, more deliveries absorbed."""
    model = tmp_path / "model.json"
    code, _, err = run_glocal(
        "promise",
        "calibrate",
        str(history),
        "--out",
        str(tmp_path / "p.csv"),
        "--model",
        str(model),
    )
    assert (code, err) == (0, "")
    first = PromiseModel.load(model)
    code, out, err = run_glocal(
        "promise", "calibrate", "--append", str(history), "--model", str(model)
    )
    assert (code, err) == (0, "") and "appended 600 shipments" in out
    again = PromiseModel.load(model)
    assert again.n_seen == first.n_seen + 600 and again.n_fit == first.n_fit


def test_evaluate_writes_a_self_contained_report(
    run_glocal: Glocal, history: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    code, out, err = run_glocal(
        "promise", "evaluate", str(history), "--split", "random", "--report", str(report), "--json"
    )
    assert (code, err) == (0, "")
    figures = json.loads(out)
    assert figures["split"] == "random" and figures["test"] == 180
    page = report.read_text()
    assert (
        "<svg" in page and "reliability diagram" in page and "http" not in page.split("<body>")[1]
    )
    assert f"{figures['coverage']['P95']:.1%}" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("calibrate", "--append", "HISTORY"), "--append needs --model"),
        (("calibrate", "--append", "HISTORY", "--model", "missing.json"), "no such file"),
        (("evaluate", "HISTORY", "--split", "weekly"), "--split must be one of time, random"),
    ],
)
def test_misuse_is_one_line_and_exit_1(
    run_glocal: Glocal, history: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    args = tuple(
        str(history) if a == "HISTORY" else str(tmp_path / a) if a.endswith(".json") else a
        for a in args
    )
    code, _, err = run_glocal("promise", *args)
    assert code == 1 and message in err and err.count("\n") == 1
