"""`glocal promise` (api/commands/promise.py), run as a user runs it on the promise test
world: the promise per route family as JSON and as a table with the same dates, and
simulate -> calibrate -> evaluate, whose printed figures add up; bad input is one line
on stderr and exit 1. (The Typer app's own options and the messy history are exercised in
tests/routing/promise/test_cli.py.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from api.commands.promise import app
from api.settings import Settings
from tests.helpers import DATA

Glocal = Callable[..., tuple[int, str, str]]
WORLD = str(DATA / "promise_world")
ASK = ("promise", "--origin", "CN-YIW-WH", "--to", "ES:28013", "--at", "2026-03-05T22:30",
       "--network", WORLD)  # fmt: skip


def test_one_promise_per_family_the_earliest_p90_of_its_routes(run_glocal: Glocal) -> None:
    """The default answer has one option per family, and it is the one with the
    earliest P90 of that family's routes in --all."""
    code, out, err = run_glocal(*ASK, "--json")
    assert (code, err) == (0, "")
    best = json.loads(out)["options"]
    _, out, _ = run_glocal(*ASK, "--json", "--all")
    every = json.loads(out)["options"]
    families = [o["family"] for o in best]
    assert len(families) == len(set(families)) and set(families) == {o["family"] for o in every}
    assert len(every) > len(best)
    for option in best:
        same = [o["p90"] for o in every if o["family"] == option["family"]]
        assert option["p90"] == min(same)


def test_the_table_shows_the_dates_and_days_of_the_json(run_glocal: Glocal) -> None:
    """Each family's row has the JSON's P50, P90 (with its weekday) and P95 dates and
    the days after the order date, 5 March (22:30 in Yiwu): e.g. a P50 of 16 March is
    11 days."""
    _, out, _ = run_glocal(*ASK, "--json")
    options = json.loads(out)["options"]
    code, table, err = run_glocal(*ASK)
    assert (code, err) == (0, "")
    assert "ordered 2026-03-05 22:30 CST" in table
    for option in options:
        row = next(line for line in table.splitlines() if f"│ {option['family']} " in line)
        cells = [cell.strip() for cell in row.split("│")[1:-1]]
        p50, p90, p95 = (date.fromisoformat(option[q]) for q in ("p50", "p90", "p95"))
        days = "/".join(str((d - date(2026, 3, 5)).days) for d in (p50, p90, p95))
        assert cells[1:5] == [f"{p50:%d %b}", f"{p90:%a %d %b}", f"{p95:%d %b}", days]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1000 simulated shipments of the promise world (seed 7)."""
    from typer.testing import CliRunner

    from api.cli import app

    path = tmp_path_factory.mktemp("promise") / "history.csv"
    done = CliRunner().invoke(app, ["promise", "simulate", "--n", "1000", "--seed", "7",
                                    "--out", str(path), "--network", WORLD])  # fmt: skip
    assert done.exit_code == 0, done.output
    return path


def flat(text: str) -> str:
    """The text without its white space (Rich wraps long lines to the terminal)."""
    return "".join(text.split())


def test_simulate_is_fixed_by_its_seed(
    run_glocal: Glocal, history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same seed writes the same file byte for byte, and says how many shipments
    over how many routes; another seed writes another history."""
    monkeypatch.chdir(tmp_path)
    again, other = Path("again.csv"), Path("other.csv")
    code, out, _ = run_glocal("promise", "simulate", "--n", "1000", "--seed", "7",
                          "--out", str(again), "--network", WORLD)  # fmt: skip
    routes = pd.read_csv(again)["route"].nunique()
    assert code == 0 and out.strip() == f"wrote 1000 shipments over {routes} routes to again.csv"
    assert again.read_bytes() == history.read_bytes()
    run_glocal("promise", "simulate", "--n", "1000", "--seed", "8", "--out", str(other),
           "--network", WORLD)  # fmt: skip
    assert other.read_bytes() != history.read_bytes()


def test_calibrate_says_what_it_read_and_wrote(
    run_glocal: Glocal, history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It reads the 1000 shipments, writes as many fits as it says (shipment + leg),
    and its per-family shipment rows count every shipment once."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run_glocal("promise", "calibrate", str(history), "--out", "fits.csv")
    assert (code, err) == (0, "")
    assert flat(f"read 1000 shipments from {history}") in flat(out)
    written = pd.read_csv("fits.csv")
    levels = written["level"].value_counts()
    said = f"wrote {len(written)} fits ({levels['shipment']} shipment, {levels['leg']} leg)"
    assert flat(f"{said} to fits.csv") in flat(out)
    families = [line.split("│") for line in out.splitlines() if line.startswith("│ shipment")]
    assert sum(int(cells[3]) for cells in families) == 1000


def test_evaluate_prints_the_coverage_of_its_json(run_glocal: Glocal, history: Path) -> None:
    """Fit on the earlier 70 % (700 shipments), tested on the later 300; the table's
    "delivered by it" and "late" are the JSON's coverage and 1 - coverage."""
    code, out, _ = run_glocal("promise", "evaluate", str(history), "--json")
    report = json.loads(out)
    assert code == 0 and (report["train"], report["test"]) == (700, 300)
    _, table, _ = run_glocal("promise", "evaluate", str(history))
    assert "fit on 700 earlier shipments, tested on 300" in table
    for name, covered in report["coverage"].items():
        row = next(line for line in table.splitlines() if f"│ {name:>7} │" in line)
        cells = [cell.strip() for cell in row.split("│")[1:-1]]
        assert cells[2:4] == [f"{covered:.1%}", f"{1 - covered:.1%}"]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("promise", "--network", WORLD),
         "error: give --origin NODE and --to COUNTRY:POSTCODE (or a subcommand)"),
        (("promise", "--origin", "CN-YIW-WH", "--to", "ES:28013", "--at", "2026-02-30T10:00",
          "--network", WORLD), "error: --at must be an ISO 8601 date-time, got '2026-02-30T10:00'"),
        (("promise", "--origin", "CN-XXX-WH", "--to", "ES:28013", "--network", WORLD),
         "error: --origin: unknown node 'CN-XXX-WH'"),
        (("promise", "simulate", "--out", "x.csv", "--start", "2026-13-01", "--network", WORLD),
         "error: --start must be a date YYYY-MM-DD, got '2026-13-01'"),
        (("promise", "simulate", "--out", "x.csv", "--start", "9999-12-01", "--network", WORLD),
         "error: --start 9999-12-01, --days 365: year 10000 is out of range"),
        (("promise", "evaluate", "none.csv"), "error: none.csv: No such file or directory"),
        (("promise", "evaluate", "none.csv", "--train-share", "1.5"),
         "error: --train-share: train_share must be in (0, 1), got 1.5"),
    ],
    ids=["nothing-asked", "no-such-day", "unknown-origin", "no-such-month", "start-past-9999",
         "no-history", "train-share"],
)  # fmt: skip
def test_bad_input_is_one_line_on_stderr_and_exit_1(
    run_glocal: Glocal,
    args: tuple[str, ...],
    line: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nothing asked, a day that does not exist, an unknown origin, a start month 13 or a
    history that would run past the year 9999, a history that is not there, a share out
    of range: exit 1, one line on stderr naming the option or file, nothing on stdout, no
    file written."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run_glocal(*args)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and err.startswith(line), err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("day", ["2020-01-01", "9999-12-31"])
def test_at_is_held_to_the_dates_an_order_may_bear(run_glocal: Glocal, day: str) -> None:
    """--at outside the API's window (Settings().order_limits.dates: the data's dates
    around today) is refused as the API refuses a promise's `at`: one line, exit 1."""
    window = Settings().order_limits.dates
    assert window is not None
    code, out, err = run_glocal("promise", "--origin", "CN-YIW-WH", "--to", "ES:28013",
                                "--at", f"{day}T10:00", "--network", WORLD)  # fmt: skip
    expected = window.problem(date.fromisoformat(day))
    assert (code, out, err) == (1, "", f"error: --at {expected}\n")


MESSY = DATA / "promise_history" / "messy.csv"
MESSY_COLUMNS = {
    "shipment_id": "Ship ID",
    "mode": "Mode of Transport",
    "destination": "Dest Country",
    "shipped_at": "PO Sent",
    "delivered_at": "Delivered On",
    "promised_at": "Scheduled",
}
runner = CliRunner()
CLI_ARGS = ["--origin", "CN-YIW-WH", "--to", "ES:28013", "--network", str(DATA / "promise_world")]


def test_cli_lists_one_promise_per_family() -> None:
    """`glocal promise --json` gives air postal, air courier, rail and sea for ES:28013."""
    result = runner.invoke(app, [*CLI_ARGS, "--at", "2026-03-05T22:30", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [o["family"] for o in doc["options"]] == ["air postal", "air courier", "rail", "sea"]
    assert doc["order_time"] == "2026-03-05T22:30:00+08:00"  # no offset: origin local time
    for option in doc["options"]:
        assert option["tz"] == "Europe/Madrid"
        assert option["p50"] <= option["p90"] <= option["p95"]


def test_cli_table_and_registration_under_glocal() -> None:
    """Registered as `glocal promise`, the default command prints a table of families."""
    glocal = typer.Typer()
    glocal.add_typer(app, name="promise")
    result = runner.invoke(glocal, ["promise", *CLI_ARGS, "--at", "2026-03-05T22:30+08:00"])
    assert result.exit_code == 0, result.output
    assert "air postal" in result.output and "sea" in result.output


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--origin", "CN-YIW-WH", "--to", "28013"],
         "error: --to must be COUNTRY:POSTCODE like ES:28013, got '28013'"),
        (["--origin", "CN-YIW-WH", "--to", "US:10001"],
         "error: no route from CN-YIW-WH delivers a standard parcel to US:10001"),
        (["--origin", "CN-YIW-WH", "--to", "ES:28013", "--at", "tomorrow"],
         "error: --at must be an ISO 8601 date-time, got 'tomorrow'"),
        (["--to", "ES:28013"],
         "error: give --origin NODE and --to COUNTRY:POSTCODE (or a subcommand)"),
    ],
    ids=["no-country", "no-route", "not-a-time", "no-origin"],
)  # fmt: skip
def test_cli_errors_are_one_line(run_glocal: Glocal, args: list[str], line: str) -> None:
    """Bad input exits 1 with one line on stderr, never a traceback."""
    code, out, err = run_glocal("promise", *args, "--network", WORLD)
    assert (code, out, err) == (1, "", f"{line}\n")


def test_cli_simulate_calibrate_evaluate(tmp_path: Path) -> None:
    """simulate writes a history; calibrate writes fits; evaluate prints coverage, writes a
    PNG calibration plot and a JSON report."""
    history, params, plot = tmp_path / "h.csv", tmp_path / "p.csv", tmp_path / "c.png"
    network = str(DATA / "promise_world")
    result = runner.invoke(
        app, ["simulate", "--n", "3000", "--out", str(history), "--network", network]
    )
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(history)) == 3000
    result = runner.invoke(app, ["calibrate", str(history), "--out", str(params)])
    assert result.exit_code == 0, result.output
    assert {"leg", "shipment"} == set(pd.read_csv(params)["level"])
    result = runner.invoke(app, ["evaluate", str(history), "--plot", str(plot), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report["coverage"]) == {"P50", "P90", "P95"} and report["test"] == 900
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_reads_a_messy_export_with_columns(tmp_path: Path) -> None:
    """`--columns` maps the user's names; the history's own promise is evaluated beside."""
    mapping = ",".join(f"{k}={v}" for k, v in MESSY_COLUMNS.items())
    result = runner.invoke(app, ["evaluate", str(MESSY), "--columns", mapping, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["train"] + report["test"] + report["unpromised"] == 11
    assert report["own_promise"] is not None


def test_cli_history_errors_are_one_line(run_glocal: Glocal, tmp_path: Path) -> None:
    """A missing file or column, a binary file, a parameter out of range, a plot format
    unknown: exit 1 with one line on stderr that names the file or option."""
    binary = tmp_path / "history.csv"
    binary.write_bytes(b"shipped_at,delivered_at\n\x00\x01\xd0\xff")
    fits = str(tmp_path / "p.csv")
    for args, start in (
        (["evaluate", str(tmp_path / "none.csv")], f"{tmp_path / 'none.csv'}: No such file"),
        (["calibrate", str(MESSY), "--out", fits], f"{MESSY}: no column for shipped_at"),
        (["calibrate", str(MESSY), "--out", fits, "--columns", "shipped_at=Nope"],
         "shipped_at: column 'Nope' is not in the table"),
        (["calibrate", str(binary), "--out", fits],
         f"{binary}: not a text file; a shipment history is a CSV table"),
        (["calibrate", str(MESSY), "--out", fits, "--prior-strength", "-1"],
         "--prior-strength, --min-group: prior_strength must be >= 0, got -1.0"),
    ):  # fmt: skip
        code, out, err = run_glocal("promise", *args)
        assert (code, out, len(err.splitlines())) == (1, "", 1), args
        assert err.startswith(f"error: {start}"), err


def test_an_unknown_plot_format_is_one_line(
    run_glocal: Glocal, history: Path, tmp_path: Path
) -> None:
    """--plot calibration.bmpx: matplotlib's list of formats, after the option."""
    plot = tmp_path / "calibration.bmpx"
    code, out, err = run_glocal("promise", "evaluate", str(history), "--plot", str(plot))
    assert (code, out, len(err.splitlines())) == (1, "", 1)
    assert err.startswith(f"error: --plot {plot}: Format 'bmpx' is not supported (supported")
