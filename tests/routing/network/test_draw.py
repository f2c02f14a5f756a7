"""routing/network/draw.py: the network map holds one line per lane, coloured by its mode,
and one marker per node, centred on the nodes; the HTML it renders names them all."""

from __future__ import annotations

import folium
import pytest

from carriers.model import Mode
from routing.network import Network
from routing.network.draw import MODE_COLOURS, network_map


def parts(fmap: folium.Map, kind: type) -> list:
    return [child for child in fmap._children.values() if isinstance(child, kind)]


def tooltip(element: folium.MacroElement) -> str:
    (tip,) = [c for c in element._children.values() if isinstance(c, folium.Tooltip)]
    return str(tip.text)


def test_one_line_per_lane_in_its_modes_colour(tiny: Network) -> None:
    """Five services, five lines from node to node, each in its mode's colour and named
    `id (mode, carrier)`."""
    lines = parts(network_map(tiny), folium.PolyLine)
    assert len(lines) == len(tiny.services) == 5
    for line, s in zip(lines, tiny.services, strict=True):
        a, b = tiny.nodes[s.from_node], tiny.nodes[s.to_node]
        assert [tuple(p) for p in line.locations] == [(a.lat, a.lon), (b.lat, b.lon)]
        assert line.options["color"] == MODE_COLOURS[s.mode]
        assert tooltip(line) == f"{s.id} ({s.mode.value}, {s.carrier})"


def test_one_marker_per_node_and_the_map_centred_on_them(tiny: Network) -> None:
    """Each node is a marker named `id: kind, city`; the centre is the nodes' mean
    latitude and longitude."""
    fmap = network_map(tiny)
    markers = parts(fmap, folium.CircleMarker)
    assert [tuple(m.location) for m in markers] == [(n.lat, n.lon) for n in tiny.nodes.values()]
    assert tooltip(markers[0]) == "CN-YIW-WH: warehouse, Yiwu"
    nodes = list(tiny.nodes.values())
    assert fmap.location == [
        pytest.approx(sum(n.lat for n in nodes) / 5),
        pytest.approx(sum(n.lon for n in nodes) / 5),
    ]


def test_every_mode_has_its_own_colour() -> None:
    """Six modes, six distinct colours: no two modes look alike on the map."""
    assert set(MODE_COLOURS) == set(Mode)
    assert len(set(MODE_COLOURS.values())) == len(Mode)


def test_the_rendered_page_names_every_lane_and_node(tiny: Network) -> None:
    """The HTML the map renders carries every service's and node's tooltip."""
    html = network_map(tiny).get_root().render()
    for s in tiny.services:
        assert f"{s.id} ({s.mode.value}, {s.carrier})" in html
    for n in tiny.nodes.values():
        assert f"{n.id}: {n.kind.value}, {n.city}" in html
