"""The compiled core answers exactly as the sources do, and is only used when it was built
from the sources as they are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import product
from pathlib import Path
from typing import Any

import pytest

from api.schemas import quote_body
from carriers import compiled
from routing.network import load_network
from routing.orders import parse_order
from routing.quote import quote

ROOT = Path(__file__).parents[2]
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


def answers() -> list[dict[str, Any]]:
    network = load_network()
    out = []
    for document in orders():
        answer = quote_body(quote(parse_order(document), network))
        del answer["quote_id"]
        out.append(answer)
    return out


def test_compiled_quotes_equal_quotes_from_source() -> None:
    if not compiled.STATUS.startswith("compiled"):
        pytest.skip(f"the compiled core is not in use here ({compiled.STATUS})")
    import routing.quote.engine

    assert routing.quote.engine.__file__ is not None
    assert routing.quote.engine.__file__.endswith(".so")
    code = (
        "import json; from carriers import compiled; "
        "from tests.routing.test_compiled import answers; "
        "print(json.dumps({'status': compiled.STATUS, 'answers': answers()}))"
    )
    env = {**os.environ, "GLOCAL_COMPILED": "0"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    from_source = json.loads(done.stdout)
    assert from_source["status"] == "source: GLOCAL_COMPILED=0"
    mine = json.loads(json.dumps(answers()))
    assert sum(len(a["options"]) for a in mine) > 100  # the orders do get options
    assert mine == from_source["answers"]


def build_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **changes: Any) -> None:
    """A manifest in `tmp_path` as a build of today's sources would write it, changed."""
    manifest = {
        "cache_tag": sys.implementation.cache_tag,
        "library": "core__mypyc",
        "library_file": "core__mypyc.so",
        "modules": list(compiled.MODULES),
        "inputs": compiled._inputs(),
    } | changes
    (tmp_path / compiled.MANIFEST).write_text(json.dumps(manifest))
    for module in compiled.MODULES:
        path = tmp_path.joinpath(*module.split(".")).parent / compiled._extension(module).name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    monkeypatch.setattr(compiled, "BUILD", tmp_path)
    monkeypatch.delenv("GLOCAL_COMPILED", raising=False)


def test_a_build_of_todays_sources_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_at(tmp_path, monkeypatch)
    status, manifest = compiled._check()
    assert status == f"compiled ({len(compiled.MODULES)} modules)"
    assert manifest is not None and manifest["library"] == "core__mypyc"
    monkeypatch.setenv("GLOCAL_COMPILED", "0")
    assert compiled._check() == ("source: GLOCAL_COMPILED=0", None)


def test_an_edited_source_falls_back_to_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = compiled._inputs()
    inputs["carriers/money.py"] = "0" * 64
    build_at(tmp_path, monkeypatch, inputs=inputs)
    assert compiled._check() == (
        "source: carriers/money.py changed since the build (make install rebuilds it)",
        None,
    )


def test_another_python_or_module_list_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_at(tmp_path, monkeypatch, cache_tag="cpython-310")
    assert compiled._check() == ("source: the build is for cpython-310", None)
    build_at(tmp_path, monkeypatch, modules=["routing.quote.engine"])
    assert compiled._check() == ("source: the build has other modules", None)
    (tmp_path / compiled.MANIFEST).unlink()
    assert compiled._check() == ("source: no compiled build (make install builds one)", None)
