"""The decision side: pure functions over an immutable, compiled network."""

from routing.compiled import activate

activate()  # before any module of the compiled core is imported

from routing.network import Network, load_network  # noqa: E402
from routing.orders import Order, parse_order  # noqa: E402

__all__ = ["Network", "Order", "load_network", "parse_order"]
