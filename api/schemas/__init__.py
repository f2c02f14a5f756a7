"""The HTTP API's JSON shapes: the one place they are declared, as the pydantic models
that the OpenAPI document shows, and the writers that fill them from the engine's typed
records (the API and `glocal quote --json` write through the same ones).

    types.py      amounts as decimal strings, ISO codes and dates
    requests.py   an order to quote, a product to promise
    quotes.py     a quote
    promises.py   a product page's promises
    network.py    the network summary and carriers
    calibrations.py  the live promise model
    bodies.py     the writers that fill those shapes from the engine's records
    plans.py      plan jobs and webhook secrets
    problems.py   problem details (RFC 9457), health and readiness
"""

from api.schemas.bodies import (
    calibration_body,
    carriers_body,
    excluded_body,
    money_body,
    promises_body,
    quote_body,
    summary_body,
)
from api.schemas.calibrations import PromiseCalibration
from api.schemas.network import CarriersResponse, NetworkSummary
from api.schemas.problems import FieldError, Health, ProblemDetails, Readiness
from api.schemas.promises import PromiseResponse
from api.schemas.quotes import QuoteResponse
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
    "PromiseCalibration",
    "PromiseRequest",
    "PromiseResponse",
    "QuoteResponse",
    "Readiness",
    "calibration_body",
    "carriers_body",
    "excluded_body",
    "money_body",
    "promises_body",
    "quote_body",
    "summary_body",
]
