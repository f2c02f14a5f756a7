"""`glocal customs explain | rules | validate` (the Typer app of api/commands/customs.py):
itemised landed cost with rule ids and sources; input errors as one line and exit 1."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.commands.customs import app
from api.settings import Settings
from routing.customs import DEFAULT_RULES

runner = CliRunner()
ROUTE = "feeder-yiw-pvg+line-pvg-mad-post+correos-es-paq"
WINDOW = Settings().order_limits.dates  # the API's window for an order's dates
assert WINDOW is not None


Document = Callable[..., dict[str, Any]]
Glocal = Callable[..., tuple[int, str, str]]


@pytest.fixture
def order_file(tmp_path: Path, make_document: Document) -> Path:
    path = tmp_path / "order.json"
    document = make_document("ES", "28001", [("610910", "apparel", 2, "10.00", "EUR")],
                             kg=0.5)  # fmt: skip
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def explain(world_dir: Path) -> Callable[..., tuple[int, str]]:
    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["explain", *args, "--network", str(world_dir)])
        return result.exit_code, result.output

    return run


def test_explain_prints_lines_with_rule_ids_sources_and_totals(
    order_file: Path, explain: Any
) -> None:
    """On 2026-07-01 the flat EUR 3 duty, Spanish VAT and the postal fee, with sources."""
    code, out = explain("--order", str(order_file), "--route", ROUTE, "--at", "2026-07-01")
    assert code == 0, out
    for text in ("eu.duty.flat-per-subheading", "es.vat.general", "eu.clearance-fee",
                 "en.politis.com.cy", "rankia.com", "DDP total", "DAP total"):  # fmt: skip
        assert text in out
    assert "3.00 EUR" in out


def test_explain_uses_the_orders_date_by_default(order_file: Path, explain: Any) -> None:
    """Without --at, the order's created_at (2026-07-01) picks the rules."""
    code, out = explain("--order", str(order_file), "--route", ROUTE)
    assert code == 0 and "on 2026-07-01" in out and "eu.duty.flat-per-subheading" in out


def test_explain_before_the_switch_shows_the_relief(order_file: Path, explain: Any) -> None:
    """--at 2026-06-30 applies the EUR 150 duty relief instead."""
    code, out = explain("--order", str(order_file), "--route", ROUTE, "--at", "2026-06-30")
    assert code == 0 and "eu.duty.low-value-relief" in out


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--route", "feeder-yiw-pvg+nope"],
         "error: route 'feeder-yiw-pvg+nope': unknown service(s) nope"),
        (["--route", ROUTE, "--at", "30/06/2026"],
         "error: --at must be a date YYYY-MM-DD, got '30/06/2026'"),
        (["--route", ROUTE, "--year-to-date", "lots"],
         "error: --year-to-date must read \"AMOUNT CURRENCY\", got 'lots'"),
        (["--route", ROUTE, "--at", "9999-12-31"],
         f"error: --at {WINDOW.problem(date(9999, 12, 31))}"),
    ],
    ids=["unknown-service", "not-a-date", "not-an-amount", "outside-the-window"],
)  # fmt: skip
def test_explain_errors_are_one_line_and_exit_1(
    order_file: Path, run_glocal: Glocal, world_dir: Path, args: list[str], line: str
) -> None:
    """A bad route, date or amount, a date outside the window an order's dates are held to
    (the API's): exit 1 and a single `error:` line on stderr."""
    code, out, err = run_glocal("customs", "explain", "--order", str(order_file), *args,
                                "--network", str(world_dir))  # fmt: skip
    assert (code, out, err) == (1, "", f"{line}\n")


def test_a_bad_order_file_is_one_line_naming_it(
    tmp_path: Path, run_glocal: Glocal, world_dir: Path, make_document: Document
) -> None:
    """The order is read as `glocal quote` reads it: a missing file, a JSON syntax error
    (file:line:col) and an invalid order (bad HS code) are single lines naming the file."""
    bad = tmp_path / "bad.json"
    document = make_document("ES", "28001", [("6109", "apparel", 1, "10.00", "EUR")])
    bad.write_text(json.dumps(document), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"order_id": "x",\n"origin" "CN-YIW-WH"}', encoding="utf-8")
    for order, line in (
        (tmp_path / "none.json", f"{tmp_path / 'none.json'}: No such file or directory"),
        (broken, f"{broken}:2:10: not JSON: unexpected character, expected ':' after key"),
        (bad, f"{bad}: invalid order: items[0].hs_code: must be 6-10 digits"),
    ):
        code, out, err = run_glocal("customs", "explain", "--order", str(order), "--route", ROUTE,
                                    "--network", str(world_dir))  # fmt: skip
        assert (code, out, err) == (1, "", f"error: {line}\n")


def test_rules_lists_the_low_confidence_rules_with_their_files() -> None:
    """`rules --confidence L` shows L rules (with path:line) and no H ones."""
    result = runner.invoke(app, ["rules", "--confidence", "L"])
    assert result.exit_code == 0
    assert "eu.duty.tariff" in result.output and "eu.toml:" in result.output
    assert "es.vat.general" not in result.output


def test_rules_for_a_country_shows_its_unions_rules() -> None:
    """`rules --country ES --at 2026-07-01` includes the EU's flat duty."""
    result = runner.invoke(app, ["rules", "--country", "es", "--at", "2026-07-01"])
    assert result.exit_code == 0
    assert "eu.duty.flat-per-subheading" in result.output
    assert "eu.duty.low-value-relief" not in result.output


def test_rules_refuse_an_unknown_country_in_one_line(run_glocal: Glocal) -> None:
    """`rules --country JP`: no rules for Japan, one line, exit 1."""
    code, out, err = run_glocal("customs", "rules", "--country", "JP")
    assert (code, out, err) == (1, "", "error: no customs rules for 'JP'\n")


def test_a_rules_file_that_is_not_text_is_named(run_glocal: Glocal, tmp_path: Path) -> None:
    """A rules directory with a binary es.toml: `rules` and `validate` name that file."""
    broken = tmp_path / "customs"
    shutil.copytree(DEFAULT_RULES, broken)
    (broken / "es.toml").write_bytes(b"rate = \xd0\xff\n")
    line = f"error: {broken / 'es.toml'}: not UTF-8 text (invalid continuation byte)\n"
    code, out, err = run_glocal("customs", "rules", "--rules", str(broken))
    assert (code, out, err) == (1, "", line)
    code, out, _ = run_glocal("customs", "validate", str(broken))
    assert (code, out) == (1, line)


def test_validate_names_every_problem_of_a_broken_directory(tmp_path: Path) -> None:
    """A rules copy with a broken rate fails with path:line; the shipped rules pass."""
    assert runner.invoke(app, ["validate", str(DEFAULT_RULES)]).exit_code == 0
    broken = tmp_path / "customs"
    shutil.copytree(DEFAULT_RULES, broken)
    es = broken / "es.toml"
    es.write_text(es.read_text(encoding="utf-8").replace("rate_pct = 21", "rate_pct = 210"),
                  encoding="utf-8")  # fmt: skip
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1 and f"{es}:" in result.output and "rate_pct" in result.output
