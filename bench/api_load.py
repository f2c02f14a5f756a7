"""Loopback load on `glocal serve`: realistic quotes at 16 concurrent clients, with 1 and 2
workers. Target on a 2-core machine, load generator included: >= 300 quotes/s with
p99 <= 50 ms at 16 clients.

Each run starts `glocal serve --workers N` on 127.0.0.1 (a fresh SQLite file in a
temporary directory, the default network), creates a key, warms up, then sends orders of
a checkout's day (fixed seed: Spain, Portugal, France, Italy, Germany, Brazil, Russia,
Indonesia, the US and the UK, from the Chinese warehouses; every request a different
order) over 16 keep-alive connections, twice (capacity first, which also warms the
workers as a server that has been up for a while is warm):

- at the target rate (open loop): the 16 clients together offer `--rate` (300) quotes per
  second, evenly staggered, for `--duration` seconds; latency counts from when each quote
  was due, so a late answer also charges the quotes it held up. This is the target's
  figure: a checkout fleet sends quotes when shoppers ask, not when the last one is back.
- at capacity (closed loop): each client sends its next quote as soon as its last one is
  answered, until `--requests` or `--duration`; the throughput is what the server can do,
  and the latency is then 16 / throughput by Little's law (16 clients at 300/s wait
  53 ms on average however fast the server is), so it is reported, not judged.

The client is an asyncio protocol on uvloop, so that the load generator takes as little
of the machine as it can. Latency is per request, to the last byte of the answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import uvloop

import routing
from routing.network import Network, load_network
from routing.orders import parse_order
from routing.quote import quote

ROOT = Path(__file__).resolve().parent.parent
GLOCAL = [sys.executable, "-c", "from api.cli import main; main()"]
TARGET_RPS, TARGET_P99_MS = 300, 50.0
ORIGINS = ("CN-YIW-WH", "CN-SZX-WH", "CN-CAN-WH", "CN-HGH-WH", "CN-NGB-WH")
DESTINATIONS = (
    ("ES", "28013", "EUR"), ("ES", "08001", "EUR"), ("ES", "46001", "EUR"),
    ("PT", "1000-001", "EUR"), ("FR", "75001", "EUR"), ("IT", "20121", "EUR"),
    ("DE", "10115", "EUR"), ("BR", "01310-100", "BRL"), ("RU", "101000", "RUB"),
    ("ID", "10110", "IDR"), ("US", "10001", "USD"), ("GB", "SW1A 1AA", "GBP"),
)  # fmt: skip
GOODS = (
    ("T-shirt", "610910", "apparel", "8.50"), ("Sneakers", "640411", "footwear", "35.00"),
    ("Phone case", "392690", "general", "4.20"), ("Building blocks", "950300", "toys", "19.90"),
    ("Backpack", "420292", "bags", "24.00"), ("Desk lamp", "940520", "home", "17.50"),
)  # fmt: skip


def orders(n: int, seed: int = 7, network: Network | None = None) -> list[dict[str, Any]]:
    """A fixed mix of orders a checkout would send (limited to the origins and markets of
    `network` when one is given)."""
    rng = random.Random(seed)
    origins, destinations = list(ORIGINS), list(DESTINATIONS)
    if network is not None:
        markets = {network.nodes[z].country for z in network.zones}
        origins = [o for o in origins if o in network.nodes] or list(network.origins)
        destinations = [d for d in destinations if d[0] in markets]
    made = []
    for i in range(n):
        country, postal, currency = rng.choice(destinations)
        name, hs_code, category, value = rng.choice(GOODS)
        order: dict[str, Any] = {
            "order_id": f"bench-{i}",
            "origin": rng.choice(origins),
            "destination": {"country": country, "postal_code": postal},
            "parcels": [{"weight_kg": round(rng.uniform(0.1, 3.0), 2), "length_cm": 30,
                         "width_cm": 20, "height_cm": rng.choice((5, 10, 15))}],
            "items": [{"description": name, "hs_code": hs_code, "category": category,
                       "quantity": rng.randint(1, 3),
                       "unit_value": {"amount": value, "currency": "USD"}}],
            "created_at": f"2026-11-26T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+08:00",
            "currency": currency,
        }  # fmt: skip
        if country in ("BR", "RU"):
            order["buyer"] = {"tax_id": "123.456.789-09" if country == "BR" else "7707083893"}
        made.append(order)
    return made


def request_bytes(order: dict[str, Any], key: str) -> bytes:
    body = json.dumps(order).encode()
    head = (
        "POST /v1/quotes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connection(asyncio.Protocol):
    """One checkout's keep-alive HTTP/1.1 connection: send a request, wait for its answer.
    A protocol rather than streams: the generator shares the server's two cores, so per
    answer it only finds the head and counts the body's bytes."""

    def __init__(self) -> None:
        self.transport: Any = None  # uvloop's TCP transport
        self.received = bytearray()
        self.end = -1  # where the current answer ends, once its head is in
        self.status = 0
        self.answered: asyncio.Future[int] | None = None

    @classmethod
    async def open(cls, port: int) -> Connection:
        transport, connection = await asyncio.get_running_loop().create_connection(
            cls, "127.0.0.1", port
        )
        connection.transport = transport
        return connection

    async def request(self, payload: bytes) -> int:
        """Send one request; the answer's status once all of its body is in."""
        self.answered = asyncio.get_running_loop().create_future()
        self.transport.write(payload)
        return await self.answered

    def data_received(self, data: bytes) -> None:
        self.received += data
        if self.end < 0:
            head_end = self.received.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.received[:head_end].decode("latin-1").lower()
            self.status = int(head[9:12])
            length = head[head.index("content-length:") + 15 :].split("\r\n", 1)[0]
            self.end = head_end + 4 + int(length)
        if len(self.received) >= self.end:
            del self.received[: self.end]
            self.end = -1
            if self.answered is not None and not self.answered.done():
                self.answered.set_result(self.status)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.answered is not None and not self.answered.done():
            self.answered.set_exception(exc or ConnectionError("the server closed"))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def client(
    port: int, payloads: list[bytes], budget: list[int], stop_at: float, out: list[tuple]
) -> None:
    connection = await Connection.open(port)
    i = 0
    while budget[0] > 0 and time.perf_counter() < stop_at:
        budget[0] -= 1
        payload = payloads[i % len(payloads)]
        i += 1
        start = time.perf_counter()
        status = await connection.request(payload)
        out.append((time.perf_counter() - start, status))
    connection.close()


async def load(port: int, payloads: list[bytes], clients: int, count: int, seconds: float):
    """Closed loop: each client sends its next quote as soon as the last one is answered
    (the server's capacity; latency is then clients / throughput, by Little's law)."""
    out: list[tuple[float, int]] = []
    budget = [count]
    started = time.perf_counter()
    tasks = [
        client(port, payloads[c::clients], budget, started + seconds, out) for c in range(clients)
    ]
    await asyncio.gather(*tasks)
    return out, time.perf_counter() - started


async def paced_client(
    port: int, payloads: list[bytes], first: float, interval: float, stop_at: float, out: list
) -> None:
    """One checkout connection sending a quote every `interval` seconds from `first`. The
    latency counts from when the quote was due, so a slow answer that delays the next
    quote is charged to that one too (no coordinated omission)."""
    connection = await Connection.open(port)
    due, i = first, 0
    while due < stop_at:
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        status = await connection.request(payloads[i % len(payloads)])
        i += 1
        out.append((time.perf_counter() - due, status))
        due += interval
    connection.close()


async def paced(port: int, payloads: list[bytes], clients: int, rate: float, seconds: float):
    """Open loop: `clients` connections together sending `rate` quotes per second, evenly
    staggered, for `seconds`; the checkout traffic the target speaks of."""
    out: list[tuple[float, int]] = []
    interval = clients / rate
    started = time.perf_counter() + 0.05
    tasks = [
        paced_client(port, payloads[c::clients], started + c * interval / clients, interval,
                     started + seconds, out)
        for c in range(clients)
    ]  # fmt: skip
    await asyncio.gather(*tasks)
    return out, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    workers: int, workdir: Path, network: Path | None
) -> tuple[subprocess.Popen, int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLOCAL_")}
    env["GLOCAL_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    if network is not None:
        env["GLOCAL_NETWORK"] = str(network.resolve())
    made = subprocess.run(
        [
            *GLOCAL,
            "keys",
            "create",
            "--name",
            "bench",
            "--scope",
            "quote",
            "--rate",
            "100000",
            "--burst",
            "100000",
            "--quiet",
        ],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip (cwd: not the checkout, whose sources would come before PYTHONPATH)
    port = free_port()
    log = (workdir / f"serve-{workers}.log").open("w")
    server = subprocess.Popen(
        [*GLOCAL, "serve", "--port", str(port), "--workers", str(workers), "--log-level",
         "warning"],
        env=env, cwd=workdir, stderr=log,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                return server, port, made.stdout.strip()
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.terminate()
    log.close()
    tail = Path(log.name).read_text().splitlines()[-5:]
    raise SystemExit("glocal serve did not start:\n" + "\n".join(tail))


CORES = os.cpu_count() or 1


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children still alive (Linux /proc):
    what the server spent, to set beside the latency."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in found]


def report(label: str, results: list[tuple[float, int]], elapsed: float, verdict: bool) -> None:
    ok = sorted(t for t, status in results if status == 201)
    statuses: dict[int, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    if not ok:
        print(f"{label}: no successful quote; statuses {statuses}")
        return
    rps = len(ok) / elapsed
    p50, p99 = ok[len(ok) // 2] * 1000, ok[min(len(ok) - 1, int(len(ok) * 0.99))] * 1000
    meets = rps >= TARGET_RPS * 0.98 and p99 <= TARGET_P99_MS and len(ok) == len(results)
    print(
        f"{label}: {len(ok)} quotes in {elapsed:.1f} s = {rps:.0f} quotes/s; "
        f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, mean {statistics.fmean(ok) * 1000:.1f} ms; "
        f"statuses {statuses}"
        + (
            f"; {'meets' if meets else 'misses'} the target (>= {TARGET_RPS}/s with "
            f"p99 <= {TARGET_P99_MS:.0f} ms)"
            if verdict
            else ""
        )
    )


def run(workers: int, args: argparse.Namespace, mix: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory(prefix="glocal-bench-") as tmp:
        server, port, key = start_server(workers, Path(tmp), args.network)
        try:
            payloads = [request_bytes(o, key) for o in mix]
            warm, rest = payloads[: args.warmup], payloads[args.warmup :]
            uvloop.run(load(port, warm, args.clients, args.warmup, args.duration))
            half = len(rest) // 2
            # capacity first: it also warms each worker as a server that has been up for a
            # while is warm (the day's departures computed), before the paced run is judged
            results, elapsed = uvloop.run(
                load(port, rest[half:], args.clients, args.requests, args.duration)
            )
            report(f"workers={workers}, capacity (closed loop)", results, elapsed, False)
            used = cpu_seconds(server.pid), time.process_time()
            results, elapsed = uvloop.run(
                paced(port, rest[:half], args.clients, args.rate, args.duration)
            )
            report(f"workers={workers}, {args.rate:.0f}/s offered", results, elapsed, True)
            server_cpu = cpu_seconds(server.pid) - used[0]
            client_cpu = time.process_time() - used[1]
            print(f"  CPU per quote: server {server_cpu / len(results) * 1000:.2f} ms, "
                  f"load generator {client_cpu / len(results) * 1000:.2f} ms; "
                  f"machine busy {(server_cpu + client_cpu) / elapsed / CORES:.0%}")  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)


def engine_alone(network: Network, mix: list[dict[str, Any]]) -> None:
    """The same quotes without HTTP, in this process: what the engine itself costs."""
    parsed = [parse_order(o) for o in mix]
    for order in parsed[:20]:
        quote(order, network)
    start = time.perf_counter()
    for order in parsed:
        quote(order, network)
    each = (time.perf_counter() - start) / len(parsed)
    print(f"engine alone (no HTTP, one core): {each * 1000:.1f} ms per quote, "
          f"at most {1 / each:.0f} quotes/s per core")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=4000, help="quotes per run (max)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run (max)")
    parser.add_argument("--warmup", type=int, default=400)
    parser.add_argument("--rate", type=float, default=TARGET_RPS, help="offered quotes/s")
    parser.add_argument("--network", type=Path, help="network directory (default data/)")
    parser.add_argument("--data", help="unused; accepted like the other benchmarks")
    args = parser.parse_args()
    print(f"loopback quote load: {args.clients} clients, <= {args.requests} quotes or "
          f"{args.duration:.0f} s per run, on {os.cpu_count()} cores; "
          f"quote engine: {routing.build()}")  # fmt: skip
    network = load_network(args.network)
    # every request a different order (a checkout's day), none repeated within a run
    mix = orders(args.warmup + 2 * max(args.requests, int(args.rate * args.duration)),
                 network=network)  # fmt: skip
    engine_alone(network, mix[:200])
    for workers in (int(w) for w in args.workers.split(",")):
        run(workers, args, mix)


if __name__ == "__main__":
    main()
