"""The learned promise's HTML report: self-contained, with its figures and diagrams."""

from __future__ import annotations

from routing.promise.learned import LearnParams
from routing.promise.online import evaluate_online
from routing.promise.quantiles import BoostParams
from routing.promise.report import report_html
from tests.routing.promise.conftest import synthetic


def test_report_shows_coverage_diagrams_width_and_segments() -> None:
    e = evaluate_online(
        synthetic(1200, seed=4, slower_from=250),
        "time",
        0.6,
        LearnParams(boost=BoostParams(trees=30)),
    )
    page = report_html(e, "a <history>")
    assert page.startswith("<!doctype html>") and "a &lt;history&gt;" in page
    assert page.count("<svg") == 2 and "<script" not in page and "http" not in page
    assert f"{e.coverage(0.95):.1%}" in page and f"{e.widths()[0]:.1f} days" in page
    worst = e.worst_segments(0.95)[0][0]
    assert worst in page
