"""Customs: effective-dated rules per country, landed cost, and screening of an order on a
route. Rules and exchange rates are loaded once (`load_rules`, `routing.fx.load_fx`);
`landed_cost` and `screen` are pure functions of an order, a route and a date. For the
routes of one order, `customs_case` prepares the order once; its `screen` and
`landed_cost` answer exactly as the functions do.
"""

from carriers.errors import InvalidRoute
from routing.customs.case import CustomsCase, customs_case, landed_cost, screen
from routing.customs.lines import Collection, LandedCost, LandedLine, LineKind
from routing.customs.loader import DEFAULT_RULES, load_rules, read_rules
from routing.customs.routes import parse_route_id, route_id
from routing.customs.rulebook import CustomsRules
from routing.customs.rules import Confidence, Rule, Topic
from routing.customs.screen import Finding, FindingCode, Screening

__all__ = [
    "DEFAULT_RULES",
    "Collection",
    "Confidence",
    "CustomsCase",
    "CustomsRules",
    "Finding",
    "FindingCode",
    "InvalidRoute",
    "LandedCost",
    "LandedLine",
    "LineKind",
    "Rule",
    "Screening",
    "Topic",
    "customs_case",
    "landed_cost",
    "load_rules",
    "parse_route_id",
    "read_rules",
    "route_id",
    "screen",
]
