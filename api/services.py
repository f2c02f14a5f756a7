"""What each route does, one function per route, over the app's state: parse and cap the
request, call the engine (`routing`), write its records as the contract says
(`api.schemas`), store and count. No pricing or routing here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from pydantic import ValidationError

from api.capacity import bookable_json
from api.compute import Deadline
from api.deps import AppState
from api.problems import ProblemError, field_path
from api.schemas import (
    PromiseRequest,
    calibration_body,
    excluded_body,
    promises_body,
    quote_body,
)
from api.store import StoredKey, StoredQuote
from carriers.errors import InvalidOrder, InvalidRule, Problem, UnknownNode
from carriers.places import is_country
from routing.orders import Order, OrderLimits, parse_order
from routing.orders.postal import postal_problem
from routing.quote import Quote, product_order, product_promises, quote


def read_json(body: bytes) -> Any:
    """A request body as JSON, or a 400 problem saying where it breaks. orjson reads
    strict JSON: no NaN or Infinity, no number beyond a double, nesting up to 1,024 deep,
    UTF-8 only; and it reads a quote's body in a third of the time of the json module."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ProblemError(400, "malformed_json", f"the body is not JSON: {exc}") from None


def invalid(problems: list[Problem]) -> ProblemError:
    """A 422 for a request body other than an order, listing its problems by field."""
    detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
    return ProblemError(422, "invalid_request", detail, errors=problems)


async def create_quote(state: AppState, key: StoredKey, body: bytes) -> StoredQuote:
    """Quote one order, store the answer (the very JSON the client gets) for
    `quote_ttl_days`, count it by market. The order is parsed and validated once, by the
    domain's parser, then quoted and written as JSON in the compute pool, within the
    request's deadline (`api.compute`); the store's write is a group commit
    (`api.quote_writer`)."""
    limits = state.settings.order_limits
    now = datetime.now(UTC)
    valid_until = now + timedelta(seconds=state.settings.quote_valid_s)
    order, found, answer = await state.compute.run(
        lambda _: _quoted(state, body, limits, valid_until)
    )
    stored = StoredQuote(
        quote_id=found.quote_id,
        key_id=key.key_id,
        order_id=order.order_id,
        market=order.destination.country,
        created_at=now,
        expires_at=now + timedelta(days=state.settings.quote_ttl_days),
        body=answer,
        bookable=bookable_json(found, order, valid_until),
    )
    await state.quotes.save(stored)
    state.metrics.quotes.labels(order.destination.country).inc()
    return stored


def _quoted(
    state: AppState, body: bytes, limits: OrderLimits, valid_until: datetime
) -> tuple[Order, Quote, str]:
    """The order of a request body, its quote over the capacity left now and the quote's
    JSON (compact UTF-8, as json.dumps writes it); a 422 problem when it has no option."""
    order = parse_order(read_json(body), limits)
    try:
        found = quote(
            order, state.network, learned=state.promise.served(), capacity=state.capacity.view
        )
    except UnknownNode as exc:
        raise InvalidOrder([Problem("order", "origin", exc.message)]) from None
    if not found.options:
        raise no_route(order, found)
    answer = quote_body(found)
    answer["expires_at"] = valid_until.isoformat()
    return order, found, orjson.dumps(answer).decode()


def no_route(order: Order, found: Quote) -> ProblemError:
    """No option at all: a 422 naming the reasons, with the engine's `excluded` list."""
    codes = sorted({r.code for e in found.excluded for r in e.reasons})
    where = f"{order.destination.country} {order.destination.postal_code}"
    return ProblemError(
        422,
        "no_feasible_route",
        f"nothing in the network can carry this order from {order.origin} to {where}"
        + (f" ({', '.join(codes)})" if codes else ""),
        title="No route can carry this order",
        extensions={"excluded": excluded_body(found.excluded)},
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
    ("destination.", "destinations[0]."),
)


def _request_field(field: str) -> str:
    """A field path of the product's order, as the request's."""
    for order_field, request_field in PRODUCT_FIELDS:
        if field.startswith(order_field):
            return request_field + field.removeprefix(order_field)
    return field


def promise_request(data: Any, max_destinations: int) -> PromiseRequest:
    """The request's shape (422 naming each bad field), its destinations capped and known."""
    listed = data.get("destinations") if isinstance(data, dict) else None
    if isinstance(listed, list) and len(listed) > max_destinations:
        message = f"at most {max_destinations} per request, got {len(listed)}"
        raise invalid([Problem("request", "destinations", message)])
    try:
        request = PromiseRequest.model_validate(data)
    except ValidationError as exc:
        found = [Problem("request", field_path(e["loc"]), e["msg"]) for e in exc.errors()]
        raise invalid(found) from None
    wrong = []
    for i, d in enumerate(request.destinations):
        country = d.country.upper()
        if not is_country(country):
            message = f"unknown ISO 3166-1 alpha-2 country {country!r}"
            wrong.append(Problem("request", f"destinations[{i}].country", message))
        elif postal := postal_problem(country, d.postal_code.strip()):
            wrong.append(Problem("request", f"destinations[{i}].postal_code", postal))
    if wrong:
        raise invalid(wrong)
    return request


async def create_promises(state: AppState, body: bytes) -> dict[str, Any]:
    """Per destination, the promise dates and price range of one unit of a product. The
    product's order is parsed once, then quoted to each destination in turn, in the compute
    pool; past the request's deadline the remaining destinations are not computed."""
    data = read_json(body)
    request = promise_request(data, state.settings.max_destinations)
    at = request.at or datetime.now(UTC)
    destinations = [(d.country.upper(), d.postal_code) for d in request.destinations]
    limits = state.settings.order_limits
    try:
        product = parse_order(product_order(data["product"], destinations[0], at), limits)
    except InvalidOrder as exc:
        raise invalid(
            [Problem("request", _request_field(p.field), p.message) for p in exc.problems]
        ) from None

    learned = state.promise.served()  # one model for the whole answer

    def promise_each(deadline: Deadline) -> list[Any]:
        answers = []
        for destination in destinations:
            if deadline.passed():
                break
            try:
                answers += product_promises(
                    state.network, product, [destination], at, request.currency, learned
                )
            except UnknownNode as exc:
                raise invalid([Problem("request", "product.origin", exc.message)]) from None
            state.metrics.promises.labels(destination[0]).inc()
        return answers

    return promises_body(at, await state.compute.run(promise_each))


async def post_calibration(state: AppState, key: StoredKey, body: bytes) -> dict[str, Any]:
    """Make a posted promise model live (`api.calibration`): 400 when the body is not
    JSON, 422 naming every bad field of the model; the live model is left as it was."""
    try:
        live = await state.promise.post(body, key.key_id)
    except InvalidRule as exc:
        detail = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
        raise ProblemError(422, "invalid_promise_model", detail, errors=exc.problems) from None
    except ValueError as exc:  # json: not JSON, or not UTF-8
        raise ProblemError(400, "malformed_json", f"the body is not JSON: {exc}") from None
    return calibration_body(live)


def current_calibration(state: AppState) -> dict[str, Any]:
    """The live promise model of this process, or a 404 saying the schedule engine serves."""
    live = state.promise.current
    if live is None:
        raise ProblemError(
            404,
            "no_promise_model",
            "no learned promise model is live: every promise comes from the schedule-based "
            "engine (POST /v1/promise-calibrations makes one live)",
        )
    return calibration_body(live)
