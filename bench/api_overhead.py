"""What the HTTP layer adds to a quote, counted in instructions (valgrind), not seconds.

Target (issue 15): an API request, in process through the whole ASGI app (middleware,
routing, key check, parsing, serialisation, the store's group commit), costs at most
1.5 x the engine's own work on the same order (`quote(order, network)`).

Each figure is a difference of two runs under `valgrind --tool=callgrind`: the same
start-up and warm-up (`--warm` orders, so the caches are as warm as a server's), then
`--n` or `2 x --n` orders of a checkout's day (bench/orders.py); the second run's extra
instructions divided by `--n` are the cost of one quote, start-up excluded. Instruction
counts do not depend on what else the machine is doing, and with a fixed hash seed two
runs of one build differ by a few thousand instructions a quote. The API's requests go
`--concurrency` at a time, as on a loaded server whose group commit stores several
quotes at once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from bench.orders import random_orders

TARGET_RATIO = 1.5
SEED = 20261126


def _documents(warm: int, n: int, spread_hours: float) -> list[dict]:
    return random_orders(warm + n, SEED, spread_hours)


def run_engine(warm: int, n: int, spread_hours: float) -> None:
    from routing.network import load_network
    from routing.orders import parse_order
    from routing.quote import quote

    network = load_network()
    orders = [parse_order(d) for d in _documents(warm, n, spread_hours)]
    for order in orders:
        quote(order, network)


def run_api(warm: int, n: int, concurrency: int, spread_hours: float) -> None:
    import orjson

    from api.app import create_app
    from api.auth import new_key
    from api.settings import Settings
    from api.store import Store

    folder = tempfile.mkdtemp(prefix="glocal-overhead-")
    url = f"sqlite:///{folder}/glocal.sqlite3"
    store = Store(url)
    store.upgrade()
    made = new_key("bench", {"quote"})
    store.add_key(made.stored)
    store.dispose()
    os.environ["GLOCAL_LOG_LEVEL"] = "WARNING"
    settings = Settings(
        database_url=url,
        rate_limit=1e9,
        rate_burst=10**9,
        log_level="WARNING",
        request_timeout_s=3600,  # valgrind runs it ~50 x slower than the 5 s budget allows for
    )
    app = create_app(settings)
    bodies = [orjson.dumps(d) for d in _documents(warm, n, spread_hours)]
    headers = [(b"authorization", f"Bearer {made.key}".encode()),
               (b"content-type", b"application/json")]  # fmt: skip
    asyncio.run(_serve(app, bodies, headers, concurrency))


async def _serve(app, bodies: list[bytes], headers: list, concurrency: int) -> None:
    async with app.router.lifespan_context(app):
        for i in range(0, len(bodies), concurrency):
            wave = bodies[i : i + concurrency]
            statuses = await asyncio.gather(*(_post(app, b, headers) for b in wave))
            assert all(s in (201, 422) for s in statuses), statuses


async def _post(app, body: bytes, headers: list) -> int:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/v1/quotes", "raw_path": b"/v1/quotes", "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
        "headers": [*headers, (b"content-length", str(len(body)).encode())],
    }  # fmt: skip
    sent = False
    status = 0

    async def receive() -> dict:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def instructions(mode: str, warm: int, n: int, concurrency: int, spread_hours: float) -> int:
    """Instructions of one whole run of `mode` under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out",
            sys.executable, __file__, "--run", mode, "--warm", str(warm), "--n", str(n),
            "--concurrency", str(concurrency), "--spread-hours", str(spread_hours),
        ]  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict and set orders each run
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or found is None:
            sys.exit(f"{mode} run failed:\n{done.stderr[-3000:]}")
        return int(found.group(1))


def per_quote(mode: str, warm: int, n: int, concurrency: int, spread_hours: float) -> float:
    small = instructions(mode, warm, n, concurrency, spread_hours)
    large = instructions(mode, warm, 2 * n, concurrency, spread_hours)
    return (large - small) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm", type=int, default=300, help="orders quoted before counting")
    parser.add_argument("--n", type=int, default=200, help="orders counted")
    parser.add_argument("--concurrency", type=int, default=8, help="API requests at a time")
    parser.add_argument(
        "--spread-hours",
        type=float,
        default=24,
        help="the orders' times spread over this many hours: 24, a checkout's day (the "
        "same first departures recur and the promise engine's results are reused); 8760, "
        "a cold year",
    )
    parser.add_argument("--run", choices=("engine", "api"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run == "engine":
        run_engine(args.warm, args.n, args.spread_hours)
        return
    if args.run == "api":
        run_api(args.warm, args.n, args.concurrency, args.spread_hours)
        return
    import routing

    print(f"quote engine: {getattr(routing, 'build', lambda: 'unknown')()}; "
          f"orders over {args.spread_hours:g} hours")  # fmt: skip
    shape = (args.warm, args.n, args.concurrency, args.spread_hours)
    engine = per_quote("engine", *shape)
    api = per_quote("api", *shape)
    print(f"engine: {engine / 1e6:.2f} M instructions per quote")
    print(f"API request in process: {api / 1e6:.2f} M instructions per quote "
          f"({args.concurrency} at a time)")  # fmt: skip
    print(f"API / engine: {api / engine:.2f} (target <= {TARGET_RATIO})")


if __name__ == "__main__":
    main()
