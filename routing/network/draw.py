"""Draw a network on a map: nodes as markers, lanes as lines coloured by mode."""

from __future__ import annotations

import folium

from carriers.model import Mode
from routing.network.graph import Network

MODE_COLOURS = {
    Mode.AIR: "#1f77b4",
    Mode.SEA: "#17becf",
    Mode.RAIL: "#8c564b",
    Mode.ROAD: "#7f7f7f",
    Mode.POSTAL: "#d62728",
    Mode.COURIER: "#ff7f0e",
}


def network_map(network: Network) -> folium.Map:
    nodes = network.nodes.values()
    centre = (sum(n.lat for n in nodes) / len(nodes), sum(n.lon for n in nodes) / len(nodes))
    fmap = folium.Map(location=centre, zoom_start=2, tiles="OpenStreetMap")
    for s in network.services:
        a, b = network.nodes[s.from_node], network.nodes[s.to_node]
        folium.PolyLine(
            [(a.lat, a.lon), (b.lat, b.lon)],
            color=MODE_COLOURS[s.mode],
            weight=2,
            opacity=0.7,
            tooltip=f"{s.id} ({s.mode.value}, {s.carrier})",
        ).add_to(fmap)
    for node in nodes:
        folium.CircleMarker(
            (node.lat, node.lon),
            radius=4,
            fill=True,
            tooltip=f"{node.id}: {node.kind.value}, {node.city}",
        ).add_to(fmap)
    return fmap
