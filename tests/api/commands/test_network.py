"""`glocal network ...` (api/commands/network.py): the commands a person runs, with what
they print and their exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from tests.helpers import DATA

runner = CliRunner()
TINY = str(DATA / "tiny")


def test_summary_json_of_tiny() -> None:
    """--json prints the figures of the tiny network, checkable on paper."""
    result = runner.invoke(app, ["network", "summary", "--network", TINY, "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["services_by_carrier"] == {"feeder": 1, "lastmile": 3, "skyline": 1}
    assert figures["destination_countries"] == ["ES", "PT"]


def test_validate_ok_and_broken(tmp_path: Path) -> None:
    """A valid network exits 0; a broken one exits 1 with one line per problem."""
    ok = runner.invoke(app, ["network", "validate", TINY])
    assert ok.exit_code == 0 and "valid" in ok.output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "nodes.csv").write_text(
        "id,kind,country,city,lat,lon,tz,source\nX,moon,XX,,0,0,UTC,\n"
    )
    result = runner.invoke(app, ["network", "validate", str(broken)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert any(
        line.endswith(
            "nodes.csv:2: kind: must be one of warehouse, consolidation_centre, "
            "airport, seaport, rail_terminal, customs_point, hub, "
            "last_mile_depot, destination_zone, got 'moon'"
        )
        for line in lines
    )
    assert any(":2: country: unknown ISO 3166-1 alpha-2 country 'XX'" in line for line in lines)
    assert any("carriers: no carrier files" in line for line in lines)


def test_map_writes_html(tmp_path: Path) -> None:
    """The map is a standalone HTML page with one line per lane."""
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["network", "map", "--out", str(out), "--network", TINY])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "leaflet" in html.lower()
    assert html.count("skyline-pvg-mad") >= 1


def test_bad_network_is_one_line_and_exit_1_not_a_traceback(tmp_path: Path) -> None:
    """The installed command turns a broken --network into a message and exit 1."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "network",
            "summary",
            "--network",
            str(tmp_path / "missing"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "is not a directory" in result.stderr


def test_summary_table_of_tiny() -> None:
    """Without --json, the same figures as tables, checkable on the tiny files: 5 nodes
    (one warehouse, airport and hub, two destination zones), 5 services of 3 carriers
    (2 road: the feeder and Portugal's last mile), and from Yiwu Spain by air, road,
    postal and courier and Portugal by air and road."""
    result = runner.invoke(app, ["network", "summary", "--network", TINY], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    rows = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in result.output.splitlines()
        if line.startswith("│")
    ]
    assert f"5 nodes, 5 services, 3 carriers from {TINY}" in " ".join(result.output.split())
    assert rows[:4] == [["airport", "1"], ["destination_zone", "2"], ["hub", "1"],
                        ["warehouse", "1"]]  # fmt: skip
    assert rows[4:7] == [["air", "1"], ["courier", "1"], ["postal", "1"]] and rows[7] == [
        "road",
        "2",
    ]
    assert rows[8:11] == [["feeder", "1"], ["lastmile", "3"], ["skyline", "1"]]
    assert rows[11:13] == [["CN-YIW-WH", "ES (air, road, postal, courier)"],
                           ["", "PT (air, road)"]]  # fmt: skip


def test_validate_counts_what_it_loaded() -> None:
    """A valid network: exit 0 and one line with its node and service counts."""
    result = runner.invoke(app, ["network", "validate", TINY])
    assert result.exit_code == 0
    assert result.output == f"{TINY}: valid (5 nodes, 5 services)\n"


def test_a_file_that_is_not_text_is_named(
    run_glocal: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """A carrier file of the network that holds binary bytes: summary and validate say
    which file it is, in one line, exit 1 (the loader's decode error does not)."""
    broken = tmp_path / "tiny"
    shutil.copytree(TINY, broken)
    skyline = broken / "carriers" / "skyline.toml"
    skyline.write_bytes(b"\x7fELF\x02\x01\x01\x00\xd0\xff" * 20)
    for args in (["summary", "--network", str(broken)], ["validate", str(broken)]):
        code, out, err = run_glocal("network", *args)
        assert (code, out) == (1, "")
        assert err == f"error: {skyline}: not UTF-8 text (invalid continuation byte)\n"
