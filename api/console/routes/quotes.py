"""The quote sandbox: paste or edit an order, pick a locale and a currency, and see its
options as a checkout would show them (tags, landed cost lines, promise dates, the
one-line summary in that locale) and the routes it could not take, with their reasons.
The quote is the very one `POST /v1/quotes` makes for this key (`api.services`)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from api import services
from api.console.guard import CheckedForm, QuoteVisitor
from api.console.render import page
from api.deps import AppState
from api.problems import ProblemError
from api.schemas import SPANISH_ORDER
from carriers.errors import Problem

router = APIRouter(prefix="/console/quote", include_in_schema=False)
LOCALES = ("en-GB", "es-ES", "pt-BR", "ru-RU", "zh-CN", "id-ID", "de-DE", "fr-FR", "en-US")
CURRENCIES = ("", "EUR", "BRL", "RUB", "CNY", "IDR", "USD", "GBP")


@router.get("")
async def sandbox(request: Request, visitor: QuoteVisitor) -> Response:
    example = json.dumps(SPANISH_ORDER, indent=2, ensure_ascii=False)
    return page(
        request,
        "quote.html",
        visitor,
        active="quote",
        example=example,
        locales=LOCALES,
        currencies=CURRENCIES,
    )


def order_body(form: Any) -> bytes:
    """The pasted order with the chosen locale and currency, as the API's JSON body."""
    text = str(form.get("order", ""))
    try:
        order = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Problem("form", "order", f"not JSON: {exc.msg} (line {exc.lineno})")
        raise ProblemError(422, "invalid_request", problem.message, errors=[problem]) from None
    if not isinstance(order, dict):
        problem = Problem("form", "order", "an order is a JSON object")
        raise ProblemError(422, "invalid_request", problem.message, errors=[problem])
    if form.get("locale") in LOCALES:
        order["locale"] = form.get("locale")
    if form.get("currency"):
        order["currency"] = str(form.get("currency"))
    return json.dumps(order).encode()


@router.post("")
async def quote(request: Request, visitor: QuoteVisitor, form: CheckedForm) -> Response:
    state: AppState = request.app.state.glocal
    stored = await services.create_quote(state, visitor.key, order_body(form))
    answer = json.loads(stored.body)
    return page(request, "quote_result.html", visitor, quote=answer)
