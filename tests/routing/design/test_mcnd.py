"""routing/design/mcnd.py: the `.dow` reader on a tiny handmade file, its errors (each
naming path:line), and the shortest-path pricer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from carriers.errors import InvalidNetwork
from routing.design.duals import Duals
from routing.design.mcnd import design_problem, read_dow, shortest_path_pricer

TINY = """MULTIGEN.DAT:
3 3 1
1 2 4 10 100 1 1
2 3 5 10 200 1 2
1 3 20 5 30 1 3
1 3 8
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tiny.dow"
    path.write_text(text)
    return path


def test_a_tiny_file_is_read_into_arcs_commodities_and_first_paths(tmp_path: Path) -> None:
    """Three nodes: 1->2->3 at 4 + 5 per unit, or 1->3 at 20. The commodity (8 units from
    1 to 3) starts on the cheaper path: cost 8 x 9 = 72; every arc is one unit of its
    capacity at its fixed cost, at most one, with no spot."""
    net = read_dow(write(tmp_path, TINY))
    assert net.tail.tolist() == [0, 1, 0] and net.head.tolist() == [1, 2, 2]
    problem = design_problem(net)
    assert problem.capacity.unit_kg.tolist() == [10, 10, 5]
    assert problem.capacity.fixed.tolist() == [100, 200, 30]
    assert problem.capacity.max_units.tolist() == [1, 1, 1]
    assert np.isinf(problem.capacity.spot_rate).all()
    assert problem.columns.rows.tolist() == [0, 1] and problem.columns.cost.tolist() == [72.0]
    assert np.isinf(problem.commodities.unserved).all()


def test_the_pricer_finds_the_path_cheapest_at_the_prices(tmp_path: Path) -> None:
    """Priced at 3 per unit on arc 1->2, the path 1->2->3 costs 4 + 3 + 5 = 12 per unit,
    under the direct arc's 20 (reduced cost 8 x 12 - 200 < 0). Priced at 12, it costs 21:
    the direct arc, 8 x 20 = 160. With the commodity worth 50, no path is below it."""
    net = read_dow(write(tmp_path, TINY))
    price = shortest_path_pricer(net)
    none = np.zeros(0, dtype=np.int64)

    def duals(on_first: float) -> Duals:
        return Duals(
            np.array([200.0]), np.array([on_first, 0, 0]), np.zeros(3), none, none, np.zeros(0)
        )

    assert price(duals(3.0)).rows.tolist() == [0, 1]
    direct = price(duals(12.0))
    assert direct.rows.tolist() == [2] and direct.cost.tolist() == [160.0]
    assert (
        len(price(Duals(np.array([50.0]), np.zeros(3), np.zeros(3), none, none, np.zeros(0)))) == 0
    )


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("MULTI\n3 3 1\n", 1, "expected the token MULTIGEN.DAT:"),
        (TINY.replace("2 3 5 10 200 1 2", "2 3 five 10 200 1 2"), 4, "expected 7 integers"),
        (TINY.replace("1 3 20 5 30 1 3", "1 9 20 5 30 1 3"), 5, "node 9 is not in 1..3"),
        (TINY.replace("1 3 8", "1 3 0"), 6, "demand: must be > 0"),
        (TINY.replace("1 3 8", "3 1 8"), 6, "node 1 cannot be reached from node 3"),
        (TINY.replace("1 3 8\n", ""), 5, "ends early"),
    ],
)
def test_a_broken_file_is_reported_by_path_and_line(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InvalidNetwork) as raised:
        read_dow(path)
    assert str(raised.value.problems[0]).startswith(f"{path}:{line}: ")
    assert says in str(raised.value)
