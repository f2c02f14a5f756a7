"""Orders: the validated, unit-normalised input of a quote, a promise or a plan (kg and
cm inside glocal). `routing.orders.parse` makes them from the JSON contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from carriers.model import BatteryClass, GoodsCategory
from carriers.money import Money
from carriers.pickling import pickled_by_fields
from routing.coverage import DateWindow

# The ranges of an order's numbers and strings (README, "Orders"): beyond them an order is
# a typo or an attack, not a parcel, and it is refused before any arithmetic is done on it.
MAX_PARCEL_KG = 1000.0  # heavier goes as freight, not as a parcel
MAX_SIDE_CM = 400.0  # the longest side a parcel network or a pallet takes
MAX_QUANTITY = 100_000  # units of one item line
MAX_TEXT = 256  # characters of free text: an id, a description, a city, a name


class Incoterm(StrEnum):
    DDP = "DDP"  # duties paid by the seller, collected from the buyer at checkout
    DAP = "DAP"  # duties paid by the buyer on delivery


@dataclass(frozen=True)
class OrderLimits:
    """How much one order may hold and when it may be dated (the service's caps:
    `api.settings.Settings`); without `dates`, any date the data covers is taken."""

    max_parcels: int
    max_items: int
    dates: DateWindow | None = None


@dataclass(frozen=True)
class Address:
    country: str
    postal_code: str
    city: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Parcel:
    weight_kg: float
    length_cm: float
    width_cm: float
    height_cm: float

    @property
    def dims_cm(self) -> tuple[float, float, float]:
        return (self.length_cm, self.width_cm, self.height_cm)

    @property
    def volume_m3(self) -> float:
        return self.length_cm * self.width_cm * self.height_cm / 1_000_000


@dataclass(frozen=True)
class Item:
    description: str
    hs_code: str
    category: GoodsCategory
    quantity: int
    unit_value: Money
    battery: BatteryClass = BatteryClass.NONE
    liquid: bool = False

    @property
    def value(self) -> Money:
        return Money(self.unit_value.amount * self.quantity, self.unit_value.currency)


@dataclass(frozen=True)
class Buyer:
    tax_id: str = ""  # CPF in Brazil, INN in Russia
    id_number: str = ""  # passport, Chinese resident id
    name: str = ""


@dataclass(frozen=True)
class Seller:
    ioss_registered: bool = False
    remessa_conforme: bool = False
    cross_border_marketplace: bool = False  # sells from abroad on a marketplace (ID floor)


@dataclass(frozen=True)
class Order:
    order_id: str
    origin: str
    destination: Address
    parcels: tuple[Parcel, ...]
    items: tuple[Item, ...]
    created_at: datetime
    buyer: Buyer = Buyer()
    seller: Seller = Seller()
    deliver_by: date | None = None
    incoterm: Incoterm | None = None
    currency: str | None = None
    locale: str | None = None

    @property
    def weight_kg(self) -> float:
        return sum(p.weight_kg for p in self.parcels)

    @property
    def battery(self) -> BatteryClass:
        return max((i.battery for i in self.items), key=lambda b: b.rank, default=BatteryClass.NONE)

    @property
    def has_liquid(self) -> bool:
        return any(i.liquid for i in self.items)

    @property
    def categories(self) -> frozenset[GoodsCategory]:
        return frozenset(i.category for i in self.items)

    @property
    def goods_currency(self) -> str:
        return self.items[0].unit_value.currency


# plan blocks carry orders to Dask workers, compiled too (carriers.pickling)
pickled_by_fields(Address, Parcel, Item, Buyer, Seller, Order)
