"""The network: nodes and services as read from a world directory, validated as a graph,
and compiled once into the arrays every engine runs on.

    network = load_network("data/")     # InvalidNetwork lists every problem, or none
    network.compiled                    # CompiledNetwork: numpy arrays and index maps
    routes_from(network, "CN-YIW-WH")   # every route to a destination zone (checks, summaries)
"""

from routing.network.compiled import CompiledNetwork
from routing.network.graph import Network, Route, lanes_by_country, routes_from
from routing.network.loader import load_network, network_dir

__all__ = [
    "CompiledNetwork",
    "Network",
    "Route",
    "lanes_by_country",
    "load_network",
    "network_dir",
    "routes_from",
]
