"""Orders, the input of every engine: `Order` and its parts (`model`), and `parse_order`,
the one validator of the JSON contract (`parse`)."""

from routing.orders.model import (
    Address,
    Buyer,
    Incoterm,
    Item,
    Order,
    OrderLimits,
    Parcel,
    Seller,
)
from routing.orders.parse import parse_order

__all__ = [
    "Address",
    "Buyer",
    "Incoterm",
    "Item",
    "Order",
    "OrderLimits",
    "Parcel",
    "Seller",
    "parse_order",
]
