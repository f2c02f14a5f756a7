"""The decision side: pure functions over an immutable, compiled network."""

import carriers  # noqa: F401  (first: it loads the compiled core, when built)
from routing.network import Network, load_network
from routing.orders import Order, parse_order

__all__ = ["Network", "Order", "load_network", "parse_order"]
