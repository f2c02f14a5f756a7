"""The decision side: pure functions over an immutable, compiled network."""

from routing.network import Network, load_network
from routing.orders import Order, parse_order

__all__ = ["Network", "Order", "build", "load_network", "parse_order"]


def build() -> str:
    """Which build of the quote path runs: compiled by mypyc (a release build, see
    setup.py) or from source (a development install)."""
    import routing.quote.engine as engine  # (late: importing routing stays light)

    return "compiled (mypyc)" if not engine.__file__.endswith(".py") else "from source"
