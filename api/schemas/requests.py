"""What clients send: an order to quote, a product to promise. The API validates an order
with the domain's own parser (`routing.orders.parse_order`, every problem by field path);
these models describe the same contract in OpenAPI, with examples. The per-request caps
(parcels, items, destinations) come from `api.settings.Settings` and are written into the
document by `api.openapi`.
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.schemas.types import Country, Currency, Decimal, IsoDate, Positive
from carriers.model import BatteryClass, GoodsCategory
from routing.orders import Incoterm

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
    parcels: list[ParcelIn] = Field(min_length=1)
    items: list[ItemIn] = Field(min_length=1)
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
    destinations: list[DestinationRef] = Field(min_length=1)
    at: AwareDatetime | None = Field(
        default=None, description="When the order would be placed (default: now)."
    )
    currency: Currency | None = Field(
        default=None, description="Currency of the prices (default: each destination's)."
    )
