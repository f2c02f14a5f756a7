"""The decision side: pure functions over an immutable, compiled network."""

from routing.network import Network, load_network
from routing.orders import Order, parse_order

__all__ = ["Network", "Order", "load_network", "parse_order"]
