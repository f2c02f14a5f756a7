"""The supply side: who moves a parcel, on which lane, at what price and speed."""

from carriers.compiled import activate

# Before any module of the compiled core is imported (`carriers.money` is one): a module
# loaded from source once cannot be mixed with its compiled callers.
activate()

from carriers.errors import GlocalError, InvalidNetwork, Problem  # noqa: E402
from carriers.model import Carrier, Mode, Node, NodeKind, RateCard, Service  # noqa: E402
from carriers.money import Money  # noqa: E402

__all__ = [
    "Carrier",
    "GlocalError",
    "InvalidNetwork",
    "Mode",
    "Money",
    "Node",
    "NodeKind",
    "Problem",
    "RateCard",
    "Service",
]
