"""The supply side: who moves a parcel, on which lane, at what price and speed."""

from carriers.errors import GlocalError, InvalidNetwork, Problem
from carriers.model import Carrier, Mode, Node, NodeKind, RateCard, Service
from carriers.money import Money

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
