"""The HTTP API's JSON shapes: the one place they are defined (and documented in OpenAPI).

Request bodies are validated by the domain's own parsers (`routing.orders.parse_order`),
which list every problem with its field path; the request models here describe the same
contract for OpenAPI and its examples. Response models are the contract of
`routing.quote.engine.quote_json` and friends, field for field; amounts are decimal strings,
dates and times ISO 8601 strings passed through as the engine wrote them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from carriers.model import BatteryClass, GoodsCategory, Mode
from routing.orders import Incoterm

MAX_PARCELS = 50
MAX_ITEMS = 100
MAX_DESTINATIONS = 200

Decimal = Annotated[str, Field(pattern=r"^-?\d+(\.\d+)?$", examples=["12.34"])]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["ES"])]
IsoDate = Annotated[str, Field(json_schema_extra={"format": "date"}, examples=["2026-12-03"])]
IsoDateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Positive = Annotated[float, Field(gt=0)]


# -- requests -----------------------------------------------------------------------------


class MoneyIn(BaseModel):
    model_config = ConfigDict(coerce_numbers_to_str=True)  # the parser takes 39.9 as well

    amount: Decimal = Field(description="Decimal string in major units, e.g. '39.90'.")
    currency: Currency


class DestinationIn(BaseModel):
    country: Country = Field(description="ISO 3166-1 alpha-2.")
    postal_code: str = Field(min_length=1)
    city: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)


class ParcelIn(BaseModel):
    """Each measure in exactly one unit: weight_kg or weight_lb, length_cm or length_in..."""

    weight_kg: Positive | None = None
    weight_lb: Positive | None = None
    length_cm: Positive | None = None
    length_in: Positive | None = None
    width_cm: Positive | None = None
    width_in: Positive | None = None
    height_cm: Positive | None = None
    height_in: Positive | None = None


class ItemIn(BaseModel):
    description: str = Field(min_length=1)
    hs_code: str = Field(pattern=r"^[0-9.]{6,13}$", description="6-10 digit HS code.")
    category: GoodsCategory
    quantity: int = Field(default=1, ge=1)
    unit_value: MoneyIn
    battery: BatteryClass = BatteryClass.NONE
    liquid: bool = False


class BuyerIn(BaseModel):
    tax_id: str | None = Field(default=None, description="CPF in Brazil, INN in Russia.")
    id_number: str | None = None
    name: str | None = None


class SellerIn(BaseModel):
    ioss_registered: bool = False
    remessa_conforme: bool = False


SPANISH_ORDER: dict[str, Any] = {
    "order_id": "ES-1001",
    "origin": "CN-YIW-WH",
    "destination": {"country": "ES", "postal_code": "28013", "city": "Madrid"},
    "parcels": [{"weight_kg": 0.8, "length_cm": 30, "width_cm": 20, "height_cm": 10}],
    "items": [
        {
            "description": "Wireless earbuds",
            "hs_code": "851830",
            "category": "electronics",
            "quantity": 1,
            "unit_value": {"amount": "39.90", "currency": "EUR"},
            "battery": "in_equipment",
            "liquid": False,
        }
    ],
    "created_at": "2026-11-26T10:00:00+08:00",
    "currency": "EUR",
    "locale": "es-ES",
}
BRAZILIAN_ORDER: dict[str, Any] = {
    "order_id": "BR-2001",
    "origin": "CN-SZX-WH",
    "destination": {"country": "BR", "postal_code": "01310-100", "city": "São Paulo"},
    "parcels": [{"weight_kg": 0.6, "length_cm": 25, "width_cm": 20, "height_cm": 5}],
    "items": [
        {
            "description": "Cotton T-shirt",
            "hs_code": "610910",
            "category": "apparel",
            "quantity": 2,
            "unit_value": {"amount": "12.50", "currency": "USD"},
        }
    ],
    "buyer": {"tax_id": "123.456.789-09", "name": "Ana Souza"},
    "seller": {"remessa_conforme": True},
    "created_at": "2026-11-26T10:00:00+08:00",
    "incoterm": "DDP",
    "currency": "BRL",
    "locale": "pt-BR",
}


class OrderRequest(BaseModel):
    """One order to quote: where it starts, where it goes, what it holds."""

    model_config = ConfigDict(json_schema_extra={"examples": [SPANISH_ORDER, BRAZILIAN_ORDER]})

    order_id: str = Field(min_length=1)
    origin: str = Field(min_length=1, description="Node id of an origin warehouse or hub.")
    destination: DestinationIn
    parcels: list[ParcelIn] = Field(min_length=1, max_length=MAX_PARCELS)
    items: list[ItemIn] = Field(min_length=1, max_length=MAX_ITEMS)
    buyer: BuyerIn | None = None
    created_at: AwareDatetime = Field(description="ISO 8601 with a UTC offset.")
    deliver_by: IsoDate | None = None
    incoterm: Incoterm | None = None
    seller: SellerIn | None = None
    currency: Currency | None = Field(default=None, description="Currency of the answer.")
    locale: str | None = Field(default=None, description="Locale of the summaries, e.g. es-ES.")


class ProductIn(BaseModel):
    """A merchant's product, shipped as one parcel of one unit from `origin`."""

    origin: str = Field(min_length=1, description="Node id of the warehouse it ships from.")
    weight_kg: Positive
    length_cm: Positive
    width_cm: Positive
    height_cm: Positive
    category: GoodsCategory
    hs_code: str = Field(pattern=r"^[0-9.]{6,13}$", description="6-10 digit HS code.")
    value: MoneyIn
    description: str | None = None
    battery: BatteryClass = BatteryClass.NONE
    liquid: bool = False
    seller: SellerIn | None = None


class DestinationRef(BaseModel):
    country: Country
    postal_code: str = Field(min_length=1)


PROMISE_REQUEST: dict[str, Any] = {
    "product": {
        "origin": "CN-YIW-WH",
        "weight_kg": 0.8,
        "length_cm": 30,
        "width_cm": 20,
        "height_cm": 10,
        "category": "electronics",
        "value": {"amount": "39.90", "currency": "EUR"},
        "hs_code": "851830",
        "battery": "in_equipment",
    },
    "destinations": [
        {"country": "ES", "postal_code": "28013"},
        {"country": "BR", "postal_code": "01310-100"},
    ],
    "at": "2026-11-26T10:00:00+08:00",
    "currency": "EUR",
}


class PromiseRequest(BaseModel):
    """A product and the destinations to promise it to (up to 200)."""

    model_config = ConfigDict(json_schema_extra={"examples": [PROMISE_REQUEST]})

    product: ProductIn
    destinations: list[DestinationRef] = Field(min_length=1, max_length=MAX_DESTINATIONS)
    at: AwareDatetime | None = Field(
        default=None, description="When the order would be placed (default: now)."
    )
    currency: Currency | None = Field(
        default=None, description="Currency of the prices (default: each destination's)."
    )


# -- responses ----------------------------------------------------------------------------


class Money(BaseModel):
    amount: Decimal
    currency: Currency


class Leg(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    carrier: str
    service: str
    mode: Mode
    from_: str = Field(alias="from")
    to: str


class Charge(BaseModel):
    """A charge line; duty, tax and fee lines say how they were computed."""

    kind: Literal["freight", "surcharge", "duty", "tax", "fee"]
    name: str
    amount: Decimal
    currency: Currency
    base: Decimal | None = Field(default=None, description="The amount the rate applies to.")
    rate: Decimal | Money | None = Field(
        default=None,
        description="A decimal fraction ('0.21' is 21 %), or a fixed amount per unit "
        "(EUR 3 per subheading) as a money object.",
    )
    rule_id: str | None = None
    source: str | None = None


class PromiseDates(BaseModel):
    p50: IsoDate
    p90: IsoDate
    p95: IsoDate
    on_time_probability: float | None = Field(
        default=None, ge=0, le=1, description="Given when the order has deliver_by."
    )


class Message(BaseModel):
    code: str
    message: str


class Option(BaseModel):
    option_id: str
    route: str
    incoterm: Incoterm
    tags: list[str]
    legs: list[Leg]
    charges: list[Charge]
    shipping: Money
    duties_and_taxes: Money
    total: Money
    promise: PromiseDates
    co2e_kg: float
    messages: list[Message]
    summary: str


class Excluded(BaseModel):
    route: str
    reasons: list[Message]


class FxUsed(BaseModel):
    base: str
    quote: str
    rate: Decimal
    as_of: IsoDate
    source: str


class QuoteResponse(BaseModel):
    """Ranked shipping options for one order, and the routes it could not take."""

    quote_id: str
    at: IsoDateTime
    currency: Currency
    fx: list[FxUsed] = []
    options: list[Option]
    excluded: list[Excluded]


class PromiseWindow(BaseModel):
    """One option's total and delivery dates."""

    total: Money
    p50: IsoDate
    p90: IsoDate
    p95: IsoDate


class PriceRange(BaseModel):
    min: Money
    max: Money


class DestinationPromise(BaseModel):
    """What a product page can show for one destination; `reasons` when nothing ships."""

    country: str
    postal_code: str
    options: int
    currency: Currency
    price_range: PriceRange | None = None
    cheapest: PromiseWindow | None = None
    fastest: PromiseWindow | None = None
    reasons: list[str] | None = None


class PromiseResponse(BaseModel):
    at: IsoDateTime
    destinations: list[DestinationPromise]


class NetworkSummary(BaseModel):
    """Counts of the loaded network, and what each origin reaches by which modes."""

    network: str | None
    nodes: int
    services: int
    carriers: int
    nodes_by_kind: dict[str, int]
    services_by_mode: dict[str, int]
    services_by_carrier: dict[str, int]
    origins: list[str]
    destination_countries: list[str]
    modes: list[str]
    reach: dict[str, dict[str, list[str]]]


class ServiceOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    name: str
    from_: str = Field(alias="from")
    to: str
    mode: Mode


class CarrierOut(BaseModel):
    id: str
    name: str
    services: list[ServiceOut]


class CarriersResponse(BaseModel):
    carriers: list[CarrierOut]


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    network: bool
    database: bool


class FieldError(BaseModel):
    field: str = Field(description="Path of the field, e.g. items[1].hs_code.")
    message: str


class ProblemDetails(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None
    excluded: list[Excluded] | None = Field(
        default=None, description="With no_feasible_route: each route and why not."
    )
