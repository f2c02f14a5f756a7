"""The release build (setup.py with GLOCAL_MYPYC=1, installed in build/release by make):
its quote path is compiled, and it answers exactly as the sources do.

`make test` builds it first and names it in GLOCAL_RELEASE; a plain `pytest` run has no
release to compare and says so. Without a C compiler make leaves the release empty
(`.source-only`) and the comparison is skipped, saying why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from itertools import product
from pathlib import Path
from typing import Any

import pytest

import routing
from api.schemas import quote_body
from routing.network import load_network
from routing.orders import parse_order
from routing.quote import quote

ROOT = Path(__file__).resolve().parents[1]
RELEASE = os.environ.get("GLOCAL_RELEASE")
COMPILED = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["glocal"]["compiled"]
# Run in the release: which modules are compiled, the quotes of the orders read from
# stdin, and a money amount and an order that went through pickle (as to a Dask worker).
IN_RELEASE = """
import importlib, json, pickle, sys
from api.schemas import quote_body
from carriers.money import Money
from routing.network import load_network
from routing.orders import parse_order
from routing.quote import quote
documents, modules = json.load(sys.stdin)
compiled = [m for m in modules if not importlib.import_module(m).__file__.endswith(".py")]
network = load_network()
answers = [quote_body(quote(parse_order(d), network)) for d in documents]
order = parse_order(documents[0])
kept = pickle.loads(pickle.dumps((order, Money(1234, "EUR"))))
print(json.dumps({"compiled": compiled, "answers": answers,
                  "pickled": [kept[0] == order, kept[1] == Money(1234, "EUR")]}))
"""


MARKETS = (
    ("ES", "28013", "EUR", "es-ES"), ("ES", "35001", "EUR", "es-ES"),
    ("PT", "1000-001", "EUR", "en"), ("DE", "10115", "EUR", "en"),
    ("BR", "01310-100", "BRL", "pt-BR"), ("RU", "101000", "RUB", "ru-RU"),
    ("ID", "10110", "IDR", "id-ID"), ("US", "10001", "USD", "en"), ("GB", "SW1A 1AA", "GBP", "en"),
)  # fmt: skip
GOODS = (
    ("Speaker", "851822", "electronics", "in_equipment", "24.90"),
    ("Sneakers", "640411", "footwear", "none", "180.00"),
    ("Power bank", "850760", "electronics", "loose", "15.00"),
)


def orders() -> list[dict[str, Any]]:
    """Orders over the default world's markets: goods with and without batteries, under and
    over the low-value thresholds, one and two parcels, fixed and open incoterms."""
    made = []
    for i, (market, goods, weight) in enumerate(product(MARKETS, GOODS, (0.4, 3.5))):
        country, postal, currency, locale = market
        name, hs_code, category, battery, value = goods
        parcel = {"weight_kg": weight, "length_cm": 30, "width_cm": 20, "height_cm": 10}
        order: dict[str, Any] = {
            "order_id": f"c{i}", "origin": "CN-SZX-WH" if i % 2 else "CN-YIW-WH",
            "destination": {"country": country, "postal_code": postal},
            "parcels": [parcel] * (1 + i % 3 // 2),
            "items": [{"description": name, "hs_code": hs_code, "category": category,
                       "quantity": 1 + i % 2, "battery": battery,
                       "unit_value": {"amount": value, "currency": "USD"}}],
            "created_at": f"2026-11-{10 + i % 15:02d}T{i % 24:02d}:30:00+08:00",
            "currency": currency, "locale": locale,
        }  # fmt: skip
        if country == "BR":
            order["buyer"] = {"tax_id": "123.456.789-09"}
        if i % 5 == 0:
            order["incoterm"] = "DAP"
        if i % 7 == 0:
            order["deliver_by"] = "2026-12-20"
        made.append(order)
    return made


def without_ids(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in a.items() if k != "quote_id"} for a in answers]


def test_the_release_is_compiled_and_quotes_as_the_sources_do(tmp_path: Path) -> None:
    """Every module of [tool.glocal] compiled is a C extension in the release, its quotes
    are the sources' quotes, byte for byte as JSON, and its frozen records survive
    pickle."""
    if RELEASE is None:
        pytest.skip("no release build named: `make test` builds one and sets GLOCAL_RELEASE")
    release = Path(RELEASE).resolve()
    if (release / ".source-only").exists():
        pytest.skip((release / ".source-only").read_text().strip())
    documents = orders()
    done = subprocess.run(
        [sys.executable, "-c", IN_RELEASE],
        input=json.dumps([documents, COMPILED]),
        env={**os.environ, "PYTHONPATH": str(release)},
        cwd=tmp_path,  # not the checkout, whose sources would come first
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout)
    assert found["compiled"] == COMPILED
    assert routing.build() == "from source"  # this process: the checkout's sources
    assert found["pickled"] == [True, True]
    network = load_network()
    mine = [quote_body(quote(parse_order(d), network)) for d in documents]
    assert sum(len(a["options"]) for a in mine) > 100  # the orders do get options
    assert without_ids(json.loads(json.dumps(mine))) == without_ids(found["answers"])
