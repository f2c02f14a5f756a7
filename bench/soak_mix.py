"""What bench/soak.py sends, drawn with a fixed seed: valid quotes (a checkout's day of
bench/orders.py and the API's own examples), delivery promises, reads of stored quotes,
plan jobs and their cancellations, and invalid requests of every kind a hardened server
must answer with a 4xx: malformed JSON, bad fields, huge numbers, far dates, a wrong
content type, an oversize body, ids that do not exist.

Every request is raw HTTP/1.1 bytes with its own `X-Request-ID` (`soak-N`), so that what
the server logged of a failed one can be found again.
"""

from __future__ import annotations

import copy
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from api.schemas import BRAZILIAN_ORDER, PROMISE_REQUEST, SPANISH_ORDER
from bench.orders import GOODS, MARKETS, ORIGINS, random_orders

# kind -> share of the paced traffic (plan jobs and cancellations run on a clock of their own)
SHARES = {"quote": 0.68, "invalid": 0.14, "get": 0.10, "promise": 0.08}
OVERSIZE = 300_000  # bytes: over the server's default GLOCAL_MAX_BODY_BYTES (256 KiB)
Variant = tuple[str, str, bytes, str]  # method, path, body, content type


@dataclass(frozen=True)
class Request:
    kind: str  # quote, invalid, get, promise, plan, plan_replay, cancel, check
    variant: str  # what an invalid request is wrong by ("" for the others)
    payload: bytes
    request_id: str


def _json(document: Any) -> bytes:
    return orjson.dumps(document)


def _order(**changes: Any) -> dict[str, Any]:
    order = copy.deepcopy(SPANISH_ORDER)
    order.update(changes)
    return order


def _parcel(**changes: Any) -> dict[str, Any]:
    return _order(parcels=[{**SPANISH_ORDER["parcels"][0], **changes}])


def _item(**changes: Any) -> dict[str, Any]:
    return _order(items=[{**SPANISH_ORDER["items"][0], **changes}])


def _promise(**changes: Any) -> dict[str, Any]:
    request = copy.deepcopy(PROMISE_REQUEST)
    request.update(changes)
    return request


def invalid_variants(plan_table: bytes) -> dict[str, Variant]:
    """Requests that are wrong, or at an edge (a date years ahead, a huge quantity), by
    what is odd about them: each must get an answer below 500, a 4xx if it is wrong."""
    spanish = _json(SPANISH_ORDER)
    quotes = {
        "malformed_json": spanish[:57],
        "not_an_object": b"[1, 2, 3]",
        "empty_body": b"",
        "nan": spanish.replace(b'"weight_kg":0.8', b'"weight_kg":NaN'),
        "invalid_utf8": b'{"order_id": "\xff\xfe"}',
        "deep_nesting": b"[" * 5000 + b"]" * 5000,
        "negative_weight": _json(_parcel(weight_kg=-1)),
        "zero_size": _json(_parcel(length_cm=0, width_cm=0)),
        "unknown_country": _json(_order(destination={"country": "XX", "postal_code": "1"})),
        "unknown_origin": _json(_order(origin="XX-NOPE-WH")),
        "bad_hs_code": _json(_item(hs_code="abc")),
        "bad_currency": _json(_order(currency="ZZZ")),
        "missing_items": _json({k: v for k, v in SPANISH_ORDER.items() if k != "items"}),
        "too_many_parcels": _json(_order(parcels=SPANISH_ORDER["parcels"] * 51)),
        "huge_weight": _json(_parcel(weight_kg=1e308)),
        "huge_quantity": _json(_item(quantity=2**62)),
        "huge_amount": _json(_item(unit_value={"amount": "9" * 30 + ".99", "currency": "EUR"})),
        "huge_exponent": _json(_item(unit_value={"amount": "1e400", "currency": "EUR"})),
        "beyond_double": spanish.replace(b'"quantity":1', b'"quantity":1' + b"0" * 400),
        "next_decade": _json(_order(created_at="2040-06-01T10:00:00+00:00")),
        "far_future": _json(_order(created_at="9999-12-31T23:59:59+14:00")),
        "far_past": _json(_order(created_at="0001-01-01T00:00:00-12:00")),
        "far_deliver_by": _json(_order(deliver_by="9999-12-31")),
        "naive_date": _json(_order(created_at="2026-11-26T10:00:00")),
        "oversize": b'{"order_id": "' + b"x" * OVERSIZE + b'"}',
    }
    product = PROMISE_REQUEST["product"]
    promises = {
        "promise_next_decade": _promise(at="2040-06-01T10:00:00+00:00"),
        "promise_far_future": _promise(at="9999-12-31T00:00:00+00:00"),
        "promise_bad_country": _promise(destinations=[{"country": "XX", "postal_code": "1"}]),
        "promise_too_many": _promise(destinations=[{"country": "ES", "postal_code": "1"}] * 201),
        "promise_huge_weight": _promise(product={**product, "weight_kg": 1e308}),
    }
    js, csv, job = "application/json", "text/csv", "/v1/plans/plan_0000000000000000"
    return {
        **{name: ("POST", "/v1/quotes", body, js) for name, body in quotes.items()},
        **{name: ("POST", "/v1/promises", _json(body), js) for name, body in promises.items()},
        "text_plain": ("POST", "/v1/quotes", spanish, "text/plain"),
        "xml": ("POST", "/v1/quotes", b"<order><id>1</id></order>", "application/xml"),
        "form": ("POST", "/v1/quotes", b"order_id=1", "application/x-www-form-urlencoded"),
        "wrong_method": ("PUT", "/v1/quotes", spanish, js),
        "unknown_quote": ("GET", "/v1/quotes/q_0000000000000000", b"", js),
        "long_quote_id": ("GET", "/v1/quotes/" + "q" * 4000, b"", js),
        "unknown_job": ("GET", job, b"", js),
        "cancel_unknown_job": ("DELETE", job, b"", js),
        "plan_missing_columns": ("POST", "/v1/plans", b"order_id,origin\n1,CN-YIW-WH\n", csv),
        "plan_bad_option": ("POST", "/v1/plans?horizon_days=1000", plan_table, csv),
        "plan_not_parquet": ("POST", "/v1/plans", plan_table, "application/vnd.apache.parquet"),
        "unknown_path": ("GET", "/v1/nothing-here", b"", js),
    }


def http(
    method: str,
    path: str,
    key: str,
    request_id: str,
    body: bytes = b"",
    content_type: str = "application/json",
    headers: tuple[str, ...] = (),
) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {key}",
            f"X-Request-ID: {request_id}", *headers]  # fmt: skip
    if body or method in ("POST", "PUT"):
        head += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body


class Mix:
    """Draws the soak's requests, and remembers what the answers made (stored quotes,
    plan jobs) for the reads, cancellations and checks that follow."""

    def __init__(
        self, key: str, seed: int, plan_tables: list[bytes], skip: frozenset[str] = frozenset()
    ) -> None:
        self.key, self.rng = key, random.Random(seed)
        orders = [*random_orders(3000, seed), BRAZILIAN_ORDER, SPANISH_ORDER]
        self.orders = [_json(o) for o in orders]
        self.plan_tables = plan_tables
        variants = invalid_variants(plan_tables[0])
        if unknown := skip - set(variants):
            raise ValueError(f"no invalid request {', '.join(sorted(unknown))}; "
                             f"there are {', '.join(variants)}")  # fmt: skip
        self.invalid = {name: v for name, v in variants.items() if name not in skip}
        self.stored: list[str] = []  # Locations of the quotes answered 201
        self.jobs: list[str] = []  # Locations of the plan jobs answered 202
        self.count = 0
        self._draws: dict[str, Callable[[], Request]] = {
            "quote": self.quote, "invalid": self.invalid_request, "get": self.get,
            "promise": self.promise,
        }  # fmt: skip

    def _request(
        self,
        kind: str,
        variant: str,
        method: str,
        path: str,
        body: bytes = b"",
        content_type: str = "application/json",
        headers: tuple[str, ...] = (),
    ) -> Request:
        self.count += 1
        request_id = f"soak-{self.count}"
        payload = http(method, path, self.key, request_id, body, content_type, headers)
        return Request(kind, variant, payload, request_id)

    def draw(self, valid_only: bool = False) -> Request:
        """The next request of the paced traffic, by the shares of SHARES (without the
        invalid requests, for a capacity that none of them can spoil)."""
        shares = {k: v for k, v in SHARES.items() if not (valid_only and k == "invalid")}
        kind = self.rng.choices(list(shares), weights=list(shares.values()))[0]
        return self._draws[kind]()

    def quote(self) -> Request:
        return self._request("quote", "", "POST", "/v1/quotes", self.rng.choice(self.orders))

    def health(self) -> Request:
        """A liveness probe, as a load balancer sends one."""
        return self._request("health", "", "GET", "/healthz")

    def get(self) -> Request:
        if not self.stored:
            return self.quote()
        return self._request("get", "", "GET", self.rng.choice(self.stored))

    def promise(self) -> Request:
        rng = self.rng
        hs, category, battery, liquid, _ = rng.choice(GOODS)
        markets = rng.sample(sorted(MARKETS), rng.randint(1, 6))
        body = {
            "product": {"origin": rng.choice(ORIGINS), "weight_kg": round(rng.uniform(0.1, 5), 2),
                        "length_cm": 30, "width_cm": 20, "height_cm": rng.choice((5, 10, 20)),
                        "category": category, "hs_code": hs, "battery": battery, "liquid": liquid,
                        "value": {"amount": f"{rng.uniform(3, 120):.2f}", "currency": "EUR"}},
            "destinations": [{"country": m, "postal_code": rng.choice(MARKETS[m][1])}
                             for m in markets],
            "at": f"2026-11-26T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+08:00",
        }  # fmt: skip
        return self._request("promise", "", "POST", "/v1/promises", _json(body))

    def invalid_request(self) -> Request:
        variant = self.rng.choice(sorted(self.invalid))
        method, path, body, content_type = self.invalid[variant]
        return self._request("invalid", variant, method, path, body, content_type)

    def plan(self, n: int, time_limit_s: float) -> Request:
        """The `n`th plan job, of a few hundred orders: every sixth from the third on has a
        bad row (the job must end failed, naming it), every sixth from the fifth on no
        rows at all."""
        table, variant = self.plan_tables[n % len(self.plan_tables)], ""
        if n % 6 == 2:
            columns = table.split(b"\n", 1)[0].count(b",")
            table, variant = table.rstrip(b"\n") + b"\nBAD-1" + b",x" * columns + b"\n", "bad_row"
        elif n % 6 == 4:
            table, variant = table.split(b"\n", 1)[0] + b"\n", "no_rows"
        path = f"/v1/plans?time_limit_s={time_limit_s:g}&horizon_days=14"
        return self._request("plan", variant, "POST", path, table, "text/csv",
                             (f"Idempotency-Key: soak-plan-{n}",))  # fmt: skip

    def replay(self, sent: Request) -> Request:
        """The same plan request again (same body, same Idempotency-Key): the same job."""
        return Request("plan_replay", sent.variant, sent.payload, sent.request_id)

    def cancel(self, job: str, when: str) -> Request:
        return self._request("cancel", when, "DELETE", job)

    def check(self, location: str) -> Request:
        return self._request("check", "", "GET", location)
