"""OpenAPI pieces the routes share: problem+json responses and raw JSON request bodies.

Request bodies are read raw and validated by the domain's parsers (so a 422 lists every
problem with its field path); `json_body` documents them with the request models of
`api.schemas`, which `with_models` adds to the document's components.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from api.problems import HTTP_TITLES, PROBLEM_JSON
from api.schemas import OrderRequest, ProblemDetails, PromiseRequest
from api.schemas.bookings import BookRequest
from api.settings import Settings

REF = "#/components/schemas/{model}"
DOCUMENTED_MODELS: tuple[type[BaseModel], ...] = (
    OrderRequest,
    PromiseRequest,
    BookRequest,
    ProblemDetails,
)
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for error statuses, each a problem+json document."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {
            "description": HTTP_TITLES[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model="ProblemDetails")}}},
        }
        if status in (429, 503):
            entry["headers"] = RETRY_AFTER
        documented[status] = entry
    return documented


def json_body(model: type[BaseModel], examples: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra=` for a route that reads its JSON body raw."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": REF.format(model=model.__name__)},
                    "examples": {
                        name: {"summary": name.replace("_", " "), "value": value}
                        for name, value in examples.items()
                    },
                }
            },
        }
    }


def with_models(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The app's OpenAPI document, with the request and problem models in components and
    the caps this server applies (`settings`) on the lists they hold."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in DOCUMENTED_MODELS:
        found = model.model_json_schema(ref_template=REF)
        for name, definition in found.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components[model.__name__] = found
    for request, field, cap in (
        ("OrderRequest", "parcels", settings.max_parcels),
        ("OrderRequest", "items", settings.max_items),
        ("PromiseRequest", "destinations", settings.max_destinations),
    ):
        components[request]["properties"][field]["maxItems"] = cap
    app.openapi_schema = schema
    return schema
