"""Lane booking design: forecast -> units to book per service and departure.

The engine (`solve_design`, `route_over`) takes a `DesignProblem` from any source: the
default world's forecast, or a public MCND `.dow` file (`routing.design.mcnd`)."""

from routing.design.duals import Duals, Pricer
from routing.design.problem import CapacityRows, Columns, Commodities, DesignProblem
from routing.design.solution import DesignSolution
from routing.design.solve import DEFAULT_METHOD, METHODS, route_over, solve_design

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "CapacityRows",
    "Columns",
    "Commodities",
    "DesignProblem",
    "DesignSolution",
    "Duals",
    "Pricer",
    "route_over",
    "solve_design",
]
