"""`glocal design mcnd`: a tiny `.dow` solved and its figures printed (as JSON too), and a
broken file refused in one line naming path:line, without a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

TINY = """MULTIGEN.DAT:
3 3 1
1 2 4 10 100 1 1
2 3 5 10 200 1 2
1 3 20 5 30 1 3
1 3 8
"""


def test_a_tiny_instance_prints_its_figures_as_json(
    tmp_path: Path, run_glocal: Callable[..., tuple[int, str, str]]
) -> None:
    """8 units from 1 to 3. The direct arc holds 5, so it cannot carry them alone;
    through node 2 they cost 100 + 200 fixed + 8 x 9 = 372; split, 5 direct and 3 around,
    30 + 5 x 20 + 300 + 3 x 9 = 457. The optimum is 372, and the bound is no more."""
    dow = tmp_path / "tiny.dow"
    dow.write_text(TINY)
    code, out, err = run_glocal("design", "mcnd", str(dow), "--json", "--time-limit", "10")
    assert code == 0, err
    body = json.loads(out)
    assert {"value", "bound", "gap", "seconds", "status"} <= set(body)
    assert body["value"] == 372.0 and body["status"] in ("optimal", "feasible")
    assert body["bound"] <= 372.0 + 1e-6


def test_a_tiny_instance_prints_a_summary(
    tmp_path: Path, run_glocal: Callable[..., tuple[int, str, str]]
) -> None:
    dow = tmp_path / "tiny.dow"
    dow.write_text(TINY)
    code, out, _ = run_glocal("design", "mcnd", str(dow))
    assert code == 0 and "value 372.00" in out and "gap" in out


def test_a_broken_file_exits_1_naming_path_and_line(
    tmp_path: Path, run_glocal: Callable[..., tuple[int, str, str]]
) -> None:
    dow = tmp_path / "broken.dow"
    dow.write_text(TINY.replace("2 3 5 10 200 1 2", "2 3 5 ten 200 1 2"))
    code, out, err = run_glocal("design", "mcnd", str(dow), "--json")
    assert code == 1 and out == ""
    assert err.startswith("error: ") and f"{dow}:4: arc: expected 7 integers" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
