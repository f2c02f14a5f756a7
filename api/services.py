"""What each route does, one function per route, over the app's state: parse and cap the
request, call the engine (`routing`), store and count. No pricing or routing here."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from api.deps import AppState
from api.problems import ProblemError, field_path
from api.schemas import OrderRequest, PromiseRequest
from api.settings import Settings
from api.store import StoredKey, StoredQuote
from carriers.errors import InvalidOrder, Problem, UnknownNode
from routing.orders import Order, parse_order
from routing.quote import product_promises, quote
from routing.quote.records import quote_json

M = TypeVar("M", bound=BaseModel)


def read_json(body: bytes) -> Any:
    """A request body as JSON, or a 400 problem saying where it breaks."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProblemError(400, "malformed_json", f"the body is not JSON: {exc}") from None


def invalid(where: str, problems: list[Problem]) -> Exception:
    """A 422: an invalid order (`where` "order") or another invalid request body."""
    if where == "order":
        return InvalidOrder(problems)
    detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
    return ProblemError(422, "invalid_request", detail, errors=problems)


def check_counts(data: Any, caps: dict[str, int], where: str) -> None:
    """Refuse lists longer than their cap before any work is done on them (422)."""
    if not isinstance(data, dict):
        return
    problems = [
        Problem(where, name, f"at most {cap} per request, got {len(data[name])}")
        for name, cap in caps.items()
        if isinstance(data.get(name), list) and len(data[name]) > cap
    ]
    if problems:
        raise invalid(where, problems)


def check_shape(model: type[M], data: Any, where: str) -> M:
    """The documented JSON types, as a net under the domain parser: a field of the wrong
    JSON type that the parser lets through is a 422 too, never an engine failure."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(where, field_path(e["loc"]), e["msg"]) for e in exc.errors()]
        raise invalid(where, problems) from None


def parse_order_request(data: Any) -> Order:
    """The domain parser's Order (its messages, by field), with the documented JSON types
    checked as well. A body whose shape trips the parser itself (an object where a list
    belongs) is a 422 naming the field; were the shape right, the crash is ours (500)."""
    try:
        order = parse_order(data)
    except (AttributeError, TypeError):
        check_shape(OrderRequest, data, "order")
        raise
    check_shape(OrderRequest, data, "order")
    return order


def order_caps(settings: Settings) -> dict[str, int]:
    return {"parcels": settings.max_parcels, "items": settings.max_items}


async def create_quote(state: AppState, key: StoredKey, body: bytes) -> StoredQuote:
    """Quote one order, store the answer (the very JSON the client gets) for
    `quote_ttl_days`, count it by market. The quote is computed on the event loop (CPU,
    no I/O); the write is a group commit (`api.quote_writer`)."""
    data = read_json(body)
    check_counts(data, order_caps(state.settings), "order")
    order = parse_order_request(data)
    try:
        found = quote(order, state.network)
    except UnknownNode as exc:
        raise InvalidOrder([Problem("order", "origin", exc.message)]) from None
    answer = quote_json(found)
    if not answer["options"]:
        raise no_route(order, answer["excluded"])
    now = datetime.now(UTC)
    stored = StoredQuote(
        quote_id=found.quote_id,
        key_id=key.key_id,
        order_id=order.order_id,
        market=order.destination.country,
        created_at=now,
        expires_at=now + timedelta(days=state.settings.quote_ttl_days),
        body=orjson.dumps(answer).decode(),  # compact UTF-8, as json.dumps, ~10x faster
    )
    await state.quotes.save(stored)
    state.metrics.quotes.labels(order.destination.country).inc()
    return stored


def no_route(order: Order, excluded: list[dict[str, Any]]) -> ProblemError:
    """No option at all: a 422 naming the reasons, with the engine's `excluded` list."""
    codes = sorted({r["code"] for e in excluded for r in e["reasons"]})
    where = f"{order.destination.country} {order.destination.postal_code}"
    return ProblemError(
        422,
        "no_feasible_route",
        f"nothing in the network can carry this order from {order.origin} to {where}"
        + (f" ({', '.join(codes)})" if codes else ""),
        title="No route can carry this order",
        extensions={"excluded": excluded},
    )


async def stored_quote(state: AppState, key: StoredKey, quote_id: str) -> StoredQuote:
    """A quote this key made (any key's, for `admin`) within its retention, else 404."""
    found = await state.store.call(state.store.quote, quote_id)
    if found is None or (found.key_id != key.key_id and "admin" not in key.scopes):
        raise ProblemError(
            404,
            "quote_not_found",
            f"no quote {quote_id!r} for this key: unknown, or older than "
            f"{state.settings.quote_ttl_days} days",
        )
    return found


# Where the promise engine's order fields come from in a promise request.
PRODUCT_FIELDS = (
    ("parcels[0].", "product."),
    ("items[0].unit_value", "product.value"),
    ("items[0].", "product."),
    ("origin", "product.origin"),
    ("seller", "product.seller"),
    ("created_at", "at"),
)


def _request_field(field: str, destination: int) -> str:
    """An order field path of the i-th destination's standard order, as the request's."""
    if field.startswith("destination."):
        return f"destinations[{destination}].{field.removeprefix('destination.')}"
    for order_field, request_field in PRODUCT_FIELDS:
        if field.startswith(order_field):
            return request_field + field.removeprefix(order_field)
    return field


async def create_promises(state: AppState, body: bytes) -> dict[str, Any]:
    """Per destination, the promise dates and price range of one unit of a product.

    Destinations are answered one by one, giving the event loop back between them, so a
    request of 200 destinations does not stall the other requests of this worker."""
    data = read_json(body)
    check_counts(data, {"destinations": state.settings.max_destinations}, "request")
    request = check_shape(PromiseRequest, data, "request")
    at = request.at or datetime.now(UTC)
    answers: list[dict[str, Any]] = []
    for i, d in enumerate(request.destinations):
        destination = [(d.country.upper(), d.postal_code)]
        try:
            answers += product_promises(state.network, data["product"], destination, at,
                                        request.currency)  # fmt: skip
        except InvalidOrder as exc:
            problems = [Problem("request", _request_field(p.field, i), p.message)
                        for p in exc.problems]  # fmt: skip
            raise invalid("request", problems) from None
        except UnknownNode as exc:
            raise invalid("request", [Problem("request", "product.origin", exc.message)]) from None
        state.metrics.promises.labels(destination[0][0]).inc()
        await asyncio.sleep(0)
    return {"at": at.isoformat(), "destinations": answers}
