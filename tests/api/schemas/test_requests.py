"""api/schemas/requests.py: the request models describe what the domain parser accepts:
the examples the OpenAPI document shows are valid for both, and an order the model
refuses for a bad field is refused by the parser on that same field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from api.schemas import (
    BRAZILIAN_ORDER,
    PROMISE_REQUEST,
    SPANISH_ORDER,
    OrderRequest,
    PromiseRequest,
)
from carriers.errors import InvalidOrder
from routing.orders import parse_order


@pytest.mark.parametrize("example", [SPANISH_ORDER, BRAZILIAN_ORDER], ids=["spain", "brazil"])
def test_the_order_examples_are_valid_for_the_model_and_the_parser(example: dict[str, Any]) -> None:
    """Each documented order passes the model and parses into the same order id and
    destination."""
    model = OrderRequest.model_validate(example)
    order = parse_order(copy.deepcopy(example))
    assert order.order_id == model.order_id
    assert (order.destination.country, order.destination.postal_code) == (
        model.destination.country,
        model.destination.postal_code,
    )


def test_the_promise_example_is_a_valid_promise_request() -> None:
    """The product page example: one product, Spain and Brazil."""
    request = PromiseRequest.model_validate(PROMISE_REQUEST)
    assert [d.country for d in request.destinations] == ["ES", "BR"]


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("items[0].hs_code", lambda o: o["items"][0].update(hs_code="12")),
        ("parcels", lambda o: o.update(parcels=[])),
        ("created_at", lambda o: o.update(created_at="2026-11-26T10:00:00")),
        ("destination.postal_code", lambda o: o["destination"].update(postal_code="")),
    ],
)
def test_a_field_the_model_refuses_the_parser_refuses_too(field: str, change: Any) -> None:
    """A short HS code, no parcels, a time without its offset, an empty postal code: the
    model and the parser both refuse the order, the parser naming the field."""
    order = copy.deepcopy(SPANISH_ORDER)
    change(order)
    with pytest.raises(ValidationError):
        OrderRequest.model_validate(order)
    with pytest.raises(InvalidOrder) as refused:
        parse_order(order)
    assert field in [p.field for p in refused.value.problems]
