"""`glocal quote` (api/commands/quote.py), run as a user runs it: the options of the
example Spanish order over the tiny network, as a table and as the JSON contract, with
the same figures; bad input is one line on stderr and exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers import DATA, ROOT

Glocal = Callable[..., tuple[int, str, str]]
ORDER = str(ROOT / "examples" / "es-speaker.json")
TINY = str(DATA / "tiny")
AT = "2026-11-26T10:00:00+01:00"
ROUTE = "feeder-yiw-pvg+skyline-pvg-mad+lastmile-es-courier"


def test_json_prints_the_contract_with_freight_checkable_on_paper(run_glocal: Glocal) -> None:
    """The 1.2 kg speaker (25 x 18 x 15 cm) goes Yiwu -> Shanghai -> Madrid -> courier:
    feeder 1.2 kg x CNY 1 + CNY 2 = CNY 3.20 = EUR 0.39 at 0.120482; air: volumetric
    25 x 18 x 15 / 6000 = 1.125 kg < 1.2 kg, rounded up to 1.5 kg, x EUR 6 + EUR 1 =
    EUR 10.00; courier 1.2 kg x EUR 0.50 + EUR 4 = EUR 4.60; shipping EUR 14.99."""
    code, out, err = run_glocal("quote", "--order", ORDER, "--network", TINY, "--at", AT, "--json")
    assert (code, err) == (0, "")
    quote = json.loads(out)
    assert (quote["at"], quote["currency"]) == (AT, "EUR")
    best = quote["options"][0]
    assert best["route"] == ROUTE
    freight = [c["amount"] for c in best["charges"] if c["kind"] == "freight"]
    assert freight == ["0.39", "10.00", "4.60"]
    assert best["shipping"] == {"amount": "14.99", "currency": "EUR"}
    total = Decimal(best["shipping"]["amount"]) + Decimal(best["duties_and_taxes"]["amount"])
    assert Decimal(best["total"]["amount"]) == total


def test_the_table_shows_the_figures_of_the_json(run_glocal: Glocal) -> None:
    """The table's row of each option has its terms, shipping, duties, total and P50
    date as the JSON has them, its line-haul mode and last-mile carrier, its summary in
    the order's locale, and the FX rate used."""
    _, out, _ = run_glocal("quote", "--order", ORDER, "--network", TINY, "--at", AT, "--json")
    best = json.loads(out)["options"][0]
    code, table, err = run_glocal("quote", "--order", ORDER, "--network", TINY, "--at", AT)
    assert (code, err) == (0, "")
    row = next(line for line in table.splitlines() if "air + lastmile" in line)
    cells = [cell.strip() for cell in row.split("│")]
    assert cells[2:8] == [
        "air + lastmile", best["incoterm"], best["shipping"]["amount"],
        best["duties_and_taxes"]["amount"], best["total"]["amount"], best["promise"]["p50"],
    ]  # fmt: skip
    assert f"1. {best['summary']}" in table
    assert "rate used: 1 CNY = 0.120482 EUR" in table


def test_currency_and_locale_change_what_the_buyer_sees(run_glocal: Glocal) -> None:
    """--currency USD --locale en-US: amounts in USD, the summary in English."""
    code, out, _ = run_glocal("quote", "--order", ORDER, "--network", TINY, "--at", AT, "--json",
                          "--currency", "USD", "--locale", "en-US")  # fmt: skip
    quote = json.loads(out)
    assert code == 0 and quote["currency"] == "USD"
    assert quote["options"][0]["total"]["currency"] == "USD"
    assert quote["options"][0]["summary"].startswith("Test Air + Test Last Mile (air): $")


def bad_json(tmp_path: Path) -> str:
    path = tmp_path / "order.json"
    path.write_text('{\n  "order_id": "x",\n  "origin": \n}\n')
    return str(path)


def unknown_origin(tmp_path: Path) -> str:
    document = json.loads(Path(ORDER).read_text())
    path = tmp_path / "order.json"
    path.write_text(json.dumps({**document, "origin": "CN-XXX-WH"}))
    return str(path)


@pytest.mark.parametrize(
    ("order", "at", "line"),
    [
        (lambda _: ORDER, "2026-11-26T10:00", "error: invalid order: at: give a UTC offset"),
        (lambda _: ORDER, "tomorrow", "error: invalid order: at: not an ISO date-time: 'tomorrow'"),
        (lambda p: str(p / "none.json"), AT, "error: invalid order: order: file not found"),
        (bad_json, AT, "error: invalid order: order: Expecting value"),
        (unknown_origin, AT, "error: unknown node 'CN-XXX-WH'"),
    ],
    ids=["no-offset", "not-a-time", "no-file", "not-json", "unknown-origin"],
)
def test_bad_input_is_one_line_on_stderr_and_exit_1(
    run_glocal: Glocal, tmp_path: Path, order: Callable[[Path], str], at: str, line: str
) -> None:
    """A time without an offset or not a time, a missing or broken order file, an
    unknown origin: exit 1, one line on stderr saying what is wrong, nothing on stdout."""
    code, out, err = run_glocal("quote", "--order", order(tmp_path), "--network", TINY, "--at", at)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and err.startswith(line), err
