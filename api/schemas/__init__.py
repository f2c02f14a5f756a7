"""The HTTP API's JSON shapes: the one place they are declared, as the pydantic models
that the OpenAPI document shows, each answer's beside the writer that fills it from the
engine's typed records (the API and `glocal quote --json` write through the same ones).

    types.py      amounts as decimal strings, ISO codes and dates
    requests.py   an order to quote, a product to promise
    quotes.py     a quote (`quote_body`)
    promises.py   a product page's promises (`promises_body`)
    network.py    the network summary and carriers (`summary_body`, `carriers_body`)
    plans.py      plan jobs and webhook secrets
    problems.py   problem details (RFC 9457), health and readiness
"""

from api.schemas.network import (
    CarriersResponse,
    NetworkSummary,
    carriers_body,
    summary_body,
)
from api.schemas.problems import FieldError, Health, ProblemDetails, Readiness
from api.schemas.promises import PromiseResponse, promises_body
from api.schemas.quotes import QuoteResponse, excluded_body, money_body, quote_body
from api.schemas.requests import (
    BRAZILIAN_ORDER,
    PROMISE_REQUEST,
    SPANISH_ORDER,
    OrderRequest,
    PromiseRequest,
)

__all__ = [
    "BRAZILIAN_ORDER",
    "PROMISE_REQUEST",
    "SPANISH_ORDER",
    "CarriersResponse",
    "FieldError",
    "Health",
    "NetworkSummary",
    "OrderRequest",
    "ProblemDetails",
    "PromiseRequest",
    "PromiseResponse",
    "QuoteResponse",
    "Readiness",
    "carriers_body",
    "excluded_body",
    "money_body",
    "promises_body",
    "quote_body",
    "summary_body",
]
