"""report.html of a design: one self-contained file with the lane map and the weeks."""

from __future__ import annotations

from pathlib import Path

from routing.design.report import write_report
from routing.design.run import SeasonDesign
from routing.network import Network


def test_the_report_holds_its_pictures_and_figures(
    tiny_season: SeasonDesign, default_world: Network, tmp_path: Path
) -> None:
    path = tmp_path / "report.html"
    row = {"scenario": "demand x0.9", "cost": 1.0, "spot_kg": 2.0, "on_time_share": 0.5}
    summary = {**tiny_season.summary, "robustness": {"scenarios": [row]}}
    write_report(default_world, summary, path)
    text = path.read_text()
    assert text.count("data:image/png;base64,") == 2
    assert "http" not in text.replace("http-equiv", "")  # nothing fetched from the internet
    assert "demand x0.9" in text and f"{summary['cost']['total']:,.2f}" in text
