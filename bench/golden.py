"""Golden outputs: what glocal answers on a fixed workload, written to files, so that a
refactor can prove it changed nothing (compare two directories byte for byte).

    python bench/golden.py --out /tmp/golden-after [--against /tmp/golden-before] [--plan]

- quotes.jsonl: the quote JSON (as the API answers it) of 3,000 orders, 2,000 of a
  checkout's day and 1,000 spread over a year (bench/orders.py), quote ids blanked;
- product.json: a product page's promises and price ranges to every market;
- promise.json: every route's promise from each origin to each market, at two order times;
- with --plan: plan.csv and summary.json of `glocal plan` on `glocal sample-orders --n
  10000 --seed 1` (summary timings blanked).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import orjson

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from api.schemas import promises_body, quote_body
from bench.orders import MARKETS, ORIGINS, random_orders
from carriers.errors import GlocalError
from routing.network import Network, load_network
from routing.orders import parse_order
from routing.promise import candidate_routes, promise_all
from routing.quote import product_order, product_promises, quote

GLOCAL = [sys.executable, "-c", "from api.cli import main; main()"]
PRODUCT = {
    "origin": "CN-YIW-WH", "weight_kg": 0.8, "length_cm": 30, "width_cm": 20,
    "height_cm": 10, "category": "electronics", "hs_code": "851830",
    "value": {"amount": "39.90", "currency": "EUR"}, "battery": "in_equipment",
}  # fmt: skip
ORDER_TIMES = ("2026-11-26T10:00:00+08:00", "2027-02-03T23:30:00+08:00")


def write_quotes(network: Network, out: Path) -> None:
    documents = random_orders(2000, 20261126) + random_orders(1000, 20261127, 24 * 365)
    with (out / "quotes.jsonl").open("wb") as f:
        for document in documents:
            try:
                body = orjson.dumps(quote_body(quote(parse_order(document), network)))
                body = re.sub(rb'"quote_id":"q_[0-9a-f]{32}"', b'"quote_id":"Q"', body)
            except GlocalError as exc:
                body = f"error {exc.code}: {exc.message}".encode()
            f.write(body + b"\n")


def write_product(network: Network, out: Path) -> None:
    at = datetime(2026, 11, 26, 2, tzinfo=UTC)
    destinations = [(country, market[1][0]) for country, market in MARKETS.items()]
    product = parse_order(product_order(PRODUCT, destinations[0], at))
    answers = product_promises(network, product, destinations, at)
    (out / "product.json").write_bytes(orjson.dumps(promises_body(at, answers)["destinations"]))


def write_promises(network: Network, out: Path) -> None:
    rows: list[dict] = []
    for origin in [*ORIGINS, "ES-MAD-HUB"]:
        for country, market in MARKETS.items():
            for at in ORDER_TIMES:
                try:
                    routes = candidate_routes(network, origin, country, market[1][0])
                except GlocalError as exc:
                    rows.append({"origin": origin, "to": country, "error": exc.message})
                    continue
                found = promise_all(routes, datetime.fromisoformat(at), network)
                options = [p.as_dict() for p in found]
                rows.append({"origin": origin, "to": country, "at": at, "options": options})
    (out / "promise.json").write_text(json.dumps(rows, indent=1))


def write_plan(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        orders = Path(tmp) / "orders.csv"
        run = {"check": True, "capture_output": True}
        subprocess.run([*GLOCAL, "sample-orders", "--n", "10000", "--seed", "1",
                        "--out", str(orders)], **run)  # fmt: skip
        subprocess.run([*GLOCAL, "plan", str(orders), "--out", str(out / "plan.csv"),
                        "--summary", str(out / "summary.json")], **run)  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    (out / "summary.json").write_text(json.dumps(_untimed(summary), indent=1, sort_keys=True))


def _untimed(value: object) -> object:
    """The summary without its wall-clock figures (seconds and stage timings)."""
    if isinstance(value, dict):
        timed = ("seconds", "stage_seconds")
        return {k: "-" if k in timed else _untimed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--against", type=Path, help="a directory to compare with")
    parser.add_argument("--plan", action="store_true", help="also plan 10,000 orders")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    network = load_network()
    write_quotes(network, args.out)
    write_product(network, args.out)
    write_promises(network, args.out)
    if args.plan:
        write_plan(args.out)
    if args.against is not None:
        for name in sorted(p.name for p in args.out.iterdir()):
            other = args.against / name
            same = other.exists() and filecmp.cmp(args.out / name, other, shallow=False)
            print(f"{name}: {'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
