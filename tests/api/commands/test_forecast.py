"""api/commands/forecast.py: `glocal forecast --from-orders` and `glocal sample-forecast`
as a user runs them: a forecast file and a one-line summary, or `error: ...` and exit 1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from routing.design.forecast import load_forecast
from routing.network import Network
from tests.routing.design.conftest import history_frame

Run = Callable[..., tuple[int, str, str]]


def test_forecast_from_orders_writes_the_weekly_rows(
    tmp_path: Path, run_glocal: Run, default_world: Network
) -> None:
    history = tmp_path / "history.csv"
    history_frame().to_csv(history, index=False)
    out = tmp_path / "forecast.csv"
    code, printed, err = run_glocal("forecast", "--from-orders", str(history), "--out", str(out))
    assert (code, err) == (0, "")
    assert printed.startswith(f"wrote 4 rows to {out}: 3 weeks from 2026-11-02, 5 parcels, 6 kg")
    assert load_forecast(out, default_world).parcels.sum() == 5
    code, printed, _ = run_glocal(
        "forecast", "--from-orders", str(history), "--weeks", "1", "--out", str(out)
    )
    assert code == 0 and "1 weeks from 2026-11-16, 1 parcels" in printed


def test_a_bad_history_is_one_error_line(tmp_path: Path, run_glocal: Run) -> None:
    history = tmp_path / "history.csv"
    frame = history_frame()
    frame.loc[1, "weight_kg"] = "-2"
    frame.to_csv(history, index=False)
    code, _, err = run_glocal(
        "forecast", "--from-orders", str(history), "--out", str(tmp_path / "f.csv")
    )
    assert code == 1
    assert err.startswith(f"error: {history}: 1 invalid row(s): {history}:3: weight_kg:")
    code, _, err = run_glocal(
        "forecast", "--from-orders", str(history), "--weeks", "0", "--out", "f.csv"
    )
    assert (code, err) == (1, "error: --weeks must be >= 1, got 0\n")


def test_sample_forecast_writes_a_season(
    tmp_path: Path, run_glocal: Run, default_world: Network
) -> None:
    out = tmp_path / "season.csv"
    args = ("--weeks", "2", "--seed", "5", "--start", "2026-11-02", "--orders-per-week", "350")
    code, printed, err = run_glocal("sample-forecast", *args, "--out", str(out))
    assert (code, err) == (0, "")
    assert "2 weeks from 2026-11-02" in printed
    forecast = load_forecast(out, default_world)
    assert set(forecast.season.tolist()) == {"normal", "peak"}
    code, _, err = run_glocal("sample-forecast", "--start", "2026-11-03", "--out", str(out))
    assert code == 1 and "must start on a Monday" in err
