"""Schemathesis against a live `glocal serve`: at least `--requests` (5,000) generated
requests over every operation of its /openapi.json, with a key of every scope (so they
reach the handlers, not the key check) and no rate limit. Target of the hardening issue:
0 x 5xx (schemathesis' `not_a_server_error`), and every request answered.

The server is a real `glocal serve` on loopback (bench/live_server.py: a fresh SQLite
file and plans directory). The requests come in two passes, with a fixed seed:

- coverage: schemathesis' deterministic cases of each operation (every documented
  example, boundary values, missing and wrongly typed fields, unexpected methods), the
  operations in turn, up to half of the budget;
- fuzzing: Hypothesis draws of each operation, positive (bodies and parameters the schema
  allows) and negative (ones it does not) in turn, in rounds until the budget is spent.

Half of the bodies drawn are grounded (a schemathesis `flatmap_body` hook): their origins,
countries with postal codes and currencies replaced by ones the network has, so that the
drawn weights, sizes, amounts and dates reach the quote and promise engines instead of
stopping at "unknown origin". A server that stops answering (3 requests in a row) is
started again, fresh, up to `--restarts` times, and the run goes on from there.

Prints the requests sent by pass, the statuses by operation, the 5xx and unanswered
count beside the target, and each distinct failure (operation, status, what the server's
log said) with a curl that reproduces it against `make run` (`KEY` a key of the scopes
it needs). The exit status is 1 when the target is missed. CI keeps its short run in
tests/api/test_openapi.py; this is the long one.

Usage: .venv/bin/python bench/fuzz.py [--requests 5000] [--seed 20261126] [--restarts 3]
       [--workdir DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.errors import FailureGroup

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from bench.live_server import LiveServer, live_server
from bench.orders import GOODS, MARKETS, ORIGINS

SCOPES = ("quote", "promise", "plan", "admin")
REPLAY_URL = "http://127.0.0.1:8000"  # `make run`, where a reported curl is replayed
KEY_HEADER = "Authorization"
TIMEOUT_S = 30.0
GIVE_UP_AFTER = 3  # requests unanswered in a row: the server has stopped answering
PARQUET = "application/vnd.apache.parquet"
CURRENCIES = ("EUR", "USD", "GBP", "BRL", "RUB", "CNY")
HS_CODES = [goods[0] for goods in GOODS]
UNITS = (("weight_kg", "weight_lb"), ("length_cm", "length_in"), ("width_cm", "width_in"),
         ("height_cm", "height_in"))  # fmt: skip
PLACES = [(country, code) for country, market in MARKETS.items() for code in market[1]]


@dataclass
class Failure:
    """One distinct failure: an operation, a status (0: no answer) and what the log said."""

    operation: str
    status: int
    said: str
    count: int = 0
    curl: str = ""


@dataclass
class Tally:
    budget: int
    sent: Counter[str] = field(default_factory=Counter)  # by pass
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    failed: list[tuple[Case, int, str]] = field(default_factory=list)  # case, status, id

    @property
    def total(self) -> int:
        return sum(self.sent.values())


class Sender:
    """Sends a case to the server with the key, checks `not_a_server_error`, tallies."""

    def __init__(self, server: LiveServer, tally: Tally) -> None:
        self.base_url, self.tally = server.url, tally
        self.headers = {KEY_HEADER: f"Bearer {server.key}"}
        self.session = requests.Session()
        self.unanswered_in_a_row = 0

    @property
    def gone(self) -> bool:
        return self.unanswered_in_a_row >= GIVE_UP_AFTER

    def __call__(self, case: Case, phase: str) -> None:
        if self.gone:
            return
        self.tally.sent[phase] += 1  # before sending: a case that hangs is not sent again
        try:
            response = case.call(
                base_url=self.base_url, session=self.session, headers=self.headers,
                timeout=TIMEOUT_S,
            )  # fmt: skip
        except (requests.ConnectionError, requests.Timeout):  # dropped, or hung
            self._fail(case, 0, "")
            self.session = requests.Session()
            self.unanswered_in_a_row += 1
            return
        self.unanswered_in_a_row = 0
        self.tally.statuses[(case.operation.label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=self.headers)
        except FailureGroup:
            request_id = response.headers.get("x-request-id", [""])[0]  # lists, lowercase names
            self._fail(case, response.status_code, request_id)

    def _fail(self, case: Case, status: int, request_id: str) -> None:
        self.tally.failed.append((case, status, request_id))


def ground(body: object, rng: random.Random) -> object:
    """The body with each origin, country (and its postal code), currency (one for the
    whole body) and HS code replaced by one the default network knows, and each parcel
    measured in exactly one unit (the schema allows both or neither); the rest as drawn."""
    currency = rng.choice(CURRENCIES)

    def walk(node: object) -> object:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: walk(value) for key, value in node.items()}
        if isinstance(parcels := out.get("parcels"), list):
            out["parcels"] = [_one_unit_each(p, rng) for p in parcels]
        known: tuple[tuple[str, Sequence[str]], ...] = (
            ("origin", ORIGINS), ("currency", [currency]), ("hs_code", HS_CODES)
        )  # fmt: skip
        for name, values in known:
            if isinstance(out.get(name), str):
                out[name] = rng.choice(values)
        if isinstance(out.get("country"), str):
            out["country"], postal_code = rng.choice(PLACES)
            if "postal_code" in out:
                out["postal_code"] = postal_code
        return out

    return walk(body)


def _one_unit_each(parcel: object, rng: random.Random) -> object:
    if not isinstance(parcel, dict):
        return parcel
    out = {key: value for key, value in parcel.items() if value is not None}  # null: not given
    for metric, imperial in UNITS:
        if metric in out and imperial in out:
            del out[rng.choice((metric, imperial))]
        elif metric not in out and imperial not in out:
            out[metric] = 1.0
    return out


def flatmap_body(context: schemathesis.HookContext, body: object) -> st.SearchStrategy:
    """Half of the bodies as drawn, half grounded (`ground`)."""
    grounded = st.randoms(use_true_random=False).map(lambda rng: ground(body, rng))
    return st.one_of(st.just(body), grounded)


def operations_of(schema: schemathesis.BaseSchema) -> list[APIOperation]:
    """Every operation of the document; one schemathesis cannot read stops the run."""
    found = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise SystemExit(f"the OpenAPI document has an operation schemathesis cannot use: "
                             f"{result.err()}")  # fmt: skip
        found.append(result.ok())
    return found


def coverage(schema: schemathesis.BaseSchema, operations: list[APIOperation]) -> list[Case]:
    """Schemathesis' coverage phase: deterministic cases of each operation, taken from
    the operations in turn (so that a budget cut short still covers every one)."""
    each = [
        list(schema.iter_coverage_cases(
            operation,
            generation_modes=list(GenerationMode),
            generation_config=schema.config.generation_for(operation=operation),
        ))
        for operation in operations
    ]  # fmt: skip
    return [case for turn in zip_longest(*each) for case in turn if case is not None]


def fuzz_one(
    operation: APIOperation, mode: GenerationMode, examples: int, seed: int, send: Sender
) -> None:
    """Up to `examples` Hypothesis draws of one operation in one mode, each sent while the
    budget lasts (none in a mode the operation has no inputs for)."""
    tally = send.tally

    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=examples,
        phases=[Phase.generate],  # no shrinking: a failure is recorded, not raised
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def probe(case: Case) -> None:
        if tally.total < tally.budget:
            send(case, mode.value)

    try:
        probe()
    except Unsatisfiable:  # nothing of this operation can be made invalid (GET /healthz)
        return


def fuzz(operations: list[APIOperation], send: Sender, seed: int) -> None:
    """Rounds over every operation, positive then negative, each round's share of what is
    left of the budget spread evenly (an operation with few distinct inputs, such as
    GET /healthz, gives fewer; the next round shares its remainder)."""
    tally = send.tally
    for round_ in range(1000):
        left = tally.budget - tally.total
        if left <= 0:
            return
        share = max(5, -(-left // (2 * len(operations))))
        before = tally.total
        for i, operation in enumerate(operations):
            for j, mode in enumerate((GenerationMode.POSITIVE, GenerationMode.NEGATIVE)):
                fuzz_one(operation, mode, share, seed + 1000 * round_ + 2 * i + j, send)
        if tally.total == before or send.gone:
            return  # nothing more to draw, or nobody to send it to


def distinct(server: LiveServer, tally: Tally, groups: dict[tuple[str, int, str], Failure]):
    """Failures grouped by operation, status and the server's own words, in the order
    they first came (of requests left unanswered, the first is the likely culprit and the
    others its victims); each with a curl of its group. Adds to `groups`, and empties
    `tally.failed`, so that each server's log is read for its own requests."""
    said_by_id = server.errors()
    for case, status, request_id in tally.failed:
        said = "; ".join(dict.fromkeys(said_by_id.get(request_id, []))) or "(nothing logged)"
        if status == 0:
            said = f"no answer within {TIMEOUT_S:.0f} s (connection dropped or hung)"
        label = case.operation.label
        failure = groups.setdefault((label, status, said), Failure(label, status, said))
        failure.count += 1
        curl = replay_curl(case)
        if not failure.curl or (status and len(curl) < len(failure.curl)):
            failure.curl = curl  # a 5xx's shortest; an unanswered group's first
    tally.failed.clear()


def replay_curl(case: Case) -> str:
    """The case as a curl against `make run`'s server, the key from $KEY (schemathesis
    writes the header it masks as `[Filtered]`)."""
    curl = case.as_curl_command(headers={KEY_HEADER: "Bearer KEY"}, base_url=REPLAY_URL)
    for shown in ("'Authorization: Bearer KEY'", "'Authorization: [Filtered]'"):
        curl = curl.replace(shown, '"Authorization: Bearer $KEY"')
    return curl


def report(tally: Tally, failures: list[Failure], seconds: float) -> bool:
    answered = sum(tally.statuses.values())
    server_errors = sum(n for (_, status), n in tally.statuses.items() if status >= 500)
    unanswered = tally.total - answered
    print(f"requests sent: {tally.total} in {seconds:.0f} s (" +
          ", ".join(f"{phase} {n}" for phase, n in tally.sent.items()) + ")")  # fmt: skip
    print("statuses by operation:")
    for label in sorted({label for label, _ in tally.statuses}):
        counts = sorted((s, n) for (op, s), n in tally.statuses.items() if op == label)
        print(f"  {label:34} " + ", ".join(f"{s} x {n}" for s, n in counts))
    meets = server_errors == 0 and unanswered == 0 and tally.total >= tally.budget
    print(f"5xx answers: {server_errors}; unanswered: {unanswered}   "
          f"target 0 x 5xx, every request answered, >= {tally.budget} requests   "
          f"{'meets' if meets else 'MISSES'}")  # fmt: skip
    for n, failure in enumerate(failures, 1):
        status = failure.status or "no answer"
        print(f"\nfailure {n}: {failure.operation} -> {status} ({failure.count} x)\n"
              f"  server log: {failure.said}\n  reproduce: {failure.curl}")  # fmt: skip
    return meets


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests to send (min)")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--restarts", type=int, default=3, help="of a server that hangs")
    parser.add_argument("--network", type=Path, help="network directory (default data/)")
    parser.add_argument("--workdir", type=Path, help="keep the database and log here")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    # an orders upload may be Parquet: sent as the bytes generated, like any binary body
    schemathesis.serializer.alias(PARQUET, "application/octet-stream")
    schemathesis.hook(flatmap_body)
    tally, groups = Tally(args.requests), dict[tuple[str, int, str], Failure]()
    cases: list[Case] = []  # the coverage pass, made once
    started = time.perf_counter()
    for attempt in range(args.restarts + 1):
        workdir = args.workdir / f"server-{attempt}" if args.workdir else None
        with live_server(SCOPES, workers=args.workers, network=args.network,
                         workdir=workdir) as server:  # fmt: skip
            print(f"fuzzing {server.url} (glocal serve --workers {args.workers}), log "
                  f"{server.log if workdir else 'in a temporary directory'}")  # fmt: skip
            schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
            operations = operations_of(schema)
            send = Sender(server, tally)
            cases = cases or coverage(schema, operations)[: args.requests // 2]
            for case in cases[tally.sent["coverage"] :]:
                send(case, "coverage")
            fuzz(operations, send, args.seed + 100_003 * attempt)
            distinct(server, tally, groups)
        if not send.gone:
            break
        print(f"the server stopped answering ({GIVE_UP_AFTER} requests in a row)"
              + (": starting a fresh one" if attempt < args.restarts else ""))  # fmt: skip
    print(f"{len(operations)} operations: " + ", ".join(o.label for o in operations))
    failures = list(groups.values())
    sys.exit(0 if report(tally, failures, time.perf_counter() - started) else 1)


if __name__ == "__main__":
    main()
