"""`glocal quote` (api/commands/quote.py), run as a user runs it: the options of the
example Spanish order over the tiny network, as a table and as the JSON contract, with
the same figures; bad input is one line on stderr and exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from api.settings import Settings
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


SPEAKER = json.loads(Path(ORDER).read_text())
PARCEL = SPEAKER["parcels"][0]
ITEM = SPEAKER["items"][0]


def order_file(tmp_path: Path, content: bytes | str | dict[str, Any]) -> str:
    """An order file holding `content` (a dict: the example order with those fields)."""
    path = tmp_path / "order.json"
    if isinstance(content, dict):
        content = json.dumps({**SPEAKER, **content})
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ('{\n  "order_id": "x",\n  "origin": \n}\n',
         "{file}:4:1: not JSON: unexpected character, expected a JSON value"),
        ("", "{file}:1:1: not JSON: Input is a zero-length, empty document"),
        ('{"parcels": [{"weight_kg": NaN}]}',
         "{file}:1:28: not JSON: unexpected character, expected a JSON value"),
        (b'{"order_id": "\xd0\xff"}',
         "{file}: not UTF-8 text (byte 14 is 0xd0); an order is a JSON file"),
        ("[]", "{file}: invalid order: must be a JSON object"),
        ({"parcels": [{**PARCEL, "weight_kg": 1e308}]},
         "{file}: invalid order: parcels[0].weight_kg: must be at most 1000 kg, got 1e+308 kg"),
        ({"origin": "CN-XXX-WH"}, "{file}: invalid order: origin: unknown node 'CN-XXX-WH'"),
    ],
    ids=["syntax", "empty", "nan", "binary", "not-an-object", "huge-weight", "unknown-origin"],
)  # fmt: skip
def test_a_bad_order_file_is_one_line_naming_it(
    run_glocal: Glocal, tmp_path: Path, content: bytes | str | dict[str, Any], line: str
) -> None:
    """An order file that is not JSON (a JSON syntax error at file:line:col), not UTF-8,
    not an order, or an order the network cannot take: exit 1, one line on stderr naming
    the file, nothing on stdout."""
    path = order_file(tmp_path, content)
    code, out, err = run_glocal("quote", "--order", path, "--network", TINY, "--at", AT)
    assert (code, out, err) == (1, "", f"error: {line.format(file=path)}\n")


def test_an_order_with_several_problems_lists_them_under_its_line(
    run_glocal: Glocal, tmp_path: Path
) -> None:
    """Two problems: the line says how many, then each as `file: field: message`."""
    path = order_file(tmp_path, {"origin": "", "items": [{**ITEM, "hs_code": "85"}]})
    code, _, err = run_glocal("quote", "--order", path, "--network", TINY, "--at", AT)
    assert code == 1
    assert err.splitlines() == [
        f"error: {path}: the order has 2 problems:",
        f"{path}: origin: must be a non-empty string",
        f"{path}: items[0].hs_code: must be 6-10 digits",
    ]


@pytest.mark.parametrize(
    ("make", "line"),
    [
        (lambda p: str(p / "none.json"), "{file}: No such file or directory"),
        (lambda p: str(p), "{file}: Is a directory"),
    ],
    ids=["missing", "directory"],
)
def test_an_order_file_that_cannot_be_read_is_one_line_naming_it(
    run_glocal: Glocal, tmp_path: Path, make: Callable[[Path], str], line: str
) -> None:
    """A missing file, a directory: the file and the system's reason, exit 1."""
    path = make(tmp_path)
    code, out, err = run_glocal("quote", "--order", path, "--network", TINY, "--at", AT)
    assert (code, out, err) == (1, "", f"error: {line.format(file=path)}\n")


def test_the_order_file_is_capped_like_a_request_body(
    run_glocal: Glocal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GLOCAL_MAX_BODY_BYTES=1024 bytes are read, no more: the example order padded to
    1025 bytes is refused before it is parsed; under a cap of 1025 it is quoted."""
    text = json.dumps(SPEAKER)
    path = order_file(tmp_path, text + " " * (1025 - len(text)))
    monkeypatch.setenv("GLOCAL_MAX_BODY_BYTES", "1024")
    code, out, err = run_glocal("quote", "--order", path, "--network", TINY, "--at", AT)
    assert (code, out) == (1, "")
    assert err == (
        f"error: {path}: larger than 1024 bytes, the most an order may be (GLOCAL_MAX_BODY_BYTES)\n"
    )
    monkeypatch.setenv("GLOCAL_MAX_BODY_BYTES", "1025")
    code, _, err = run_glocal("quote", "--order", path, "--network", TINY, "--at", AT, "--json")
    assert (code, err) == (0, "")


def test_the_order_is_held_to_the_services_caps(
    run_glocal: Glocal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GLOCAL_MAX_ITEMS=2: an order of 3 item lines is refused as the API refuses it; a
    setting that is not a number is one line naming the variable."""
    monkeypatch.setenv("GLOCAL_MAX_ITEMS", "2")
    path = order_file(tmp_path, {"items": [ITEM] * 3})
    code, _, err = run_glocal("quote", "--order", path, "--network", TINY, "--at", AT)
    assert (code, err) == (
        1,
        f"error: {path}: invalid order: items: at most 2 per request, got 3\n",
    )
    monkeypatch.setenv("GLOCAL_MAX_ITEMS", "lots")
    code, _, err = run_glocal("quote", "--order", path, "--network", TINY, "--at", AT)
    assert code == 1 and err.startswith("error: GLOCAL_MAX_ITEMS: Input should be a valid integer")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("day", ["2020-01-01", "9999-12-31"])
def test_at_is_held_to_the_dates_an_order_may_bear(run_glocal: Glocal, day: str) -> None:
    """--at outside the window an order's created_at is held to (Settings().order_limits
    .dates): one line naming --at and the range, exit 1."""
    window = Settings().order_limits.dates
    assert window is not None
    at = f"{day}T10:00:00+00:00"
    code, out, err = run_glocal("quote", "--order", ORDER, "--network", TINY, "--at", at)
    expected = window.problem(date.fromisoformat(day))
    assert (code, out, err) == (1, "", f"error: --at {expected}\n")


@pytest.mark.parametrize("at", ["2026-11-26T10:00", "tomorrow"], ids=["no-offset", "not-a-time"])
def test_a_bad_at_is_one_line(run_glocal: Glocal, at: str) -> None:
    """--at without a UTC offset or not a time at all: exit 1, one line saying what to give."""
    code, out, err = run_glocal("quote", "--order", ORDER, "--network", TINY, "--at", at)
    assert (code, out) == (1, "")
    assert err == (
        "error: --at must be an ISO date-time with a UTC offset, like "
        f"2026-11-26T10:00:00+01:00; got {at!r}\n"
    )
