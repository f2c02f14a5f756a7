"""The Renault inbound instance (Renault Group and CERMICS, CC-BY-4.0): its reader, its
authors' objective and feasibility checks, its as-operated routes and a first greedy."""

from routing.design.renault.evaluate import Evaluation, evaluate, first_fit_decreasing
from routing.design.renault.greedy import greedy
from routing.design.renault.instance import Instance
from routing.design.renault.read import read_instance, read_routes
from routing.design.renault.routes import OperatedRoutes, operated_routes

__all__ = [
    "Evaluation",
    "Instance",
    "OperatedRoutes",
    "evaluate",
    "first_fit_decreasing",
    "greedy",
    "operated_routes",
    "read_instance",
    "read_routes",
]
