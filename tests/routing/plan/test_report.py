"""routing/plan/report.py: report.html, one self-contained page: the three pictures
inline as PNG, the order counts and totals of the summary, the binding departures with
their shadow prices; on the two-lane world's plan."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from routing.plan import PlanResult, summary, write_report

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def page(two_lane_plan: PlanResult, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(two_lane_plan, summary(two_lane_plan), path)
    return path.read_text(encoding="utf-8")


def test_the_page_holds_its_three_pictures_inline(page: str) -> None:
    """Utilisation, cost by market and optimised against greedy, in that order, each a
    data: URL that decodes to a PNG: no file beside the page, nothing fetched."""
    inline = re.findall(r'src="data:image/png;base64,([^"]+)" alt="(\w+)"', page)
    assert [name for _, name in inline] == [
        "utilisation",
        "cost_by_market",
        "optimized_vs_greedy",
    ]
    assert all(base64.b64decode(data).startswith(PNG) for data, _ in inline)
    assert 'src="http' not in page and "<link" not in page


def test_the_page_states_the_summarys_counts_and_totals(page: str) -> None:
    """152 orders: 150 planned, 1 unplanned, 1 invalid; cost EUR 1,393.50 (400 freight,
    50 pallet, 943.50 duties), objective 1,893.50 with the EUR 500 penalty."""
    text = " ".join(page.split())
    assert "152 orders: 150 planned, 1 unplanned, 1 invalid." in text
    assert "Cost 1,393.50 EUR" in text and "objective with unplanned penalties 1,893.50" in text


def test_binding_departures_are_listed_with_their_shadow_prices(page: str) -> None:
    """Only the full rail departure binds: its row shows 100 % used and EUR 2.9200 saved
    per extra kg; the air departure (5 % used) is not listed."""
    table = page.split("<h2>binding departures</h2>", 1)[1]
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", table)
    assert rows == ["lanes-rail</td><td>2026-11-10</td><td>100%</td><td>2.9200</td><td>0.00"]


def test_a_bound_that_could_not_be_had_reads_n_a(two_lane_plan: PlanResult, tmp_path: Path) -> None:
    """A summary without a bound (a failed LP gives JSON null): 'n/a', not a crash."""
    figures_of = summary(two_lane_plan) | {
        "bound": None,
        "gap_to_bound": None,
        "lp_bound": None,
        "gap_to_lp_bound": None,
    }
    write_report(two_lane_plan, figures_of, tmp_path / "r.html")
    text = " ".join((tmp_path / "r.html").read_text(encoding="utf-8").split())
    assert "costs less than n/a (gap n/a)" in text and "gives n/a (gap n/a)" in text


def test_the_on_time_share_stands_beside_each_cost(
    two_lane_plan: PlanResult, tmp_path: Path
) -> None:
    """Beside each plan's cost, the share of its dated orders on time; the two-lane plan
    has no deadlines, which the page says instead of a share."""
    plain = summary(two_lane_plan)
    write_report(two_lane_plan, plain, tmp_path / "a.html")
    text = " ".join((tmp_path / "a.html").read_text(encoding="utf-8").split())
    assert "Cost 1,393.50 EUR, no order with a deadline (greedy" in text
    dated = plain | {
        "optimized": plain["optimized"] | {"on_time_share": 0.9123},
        "greedy": plain["greedy"] | {"on_time_share": 0.64},
    }
    write_report(two_lane_plan, dated, tmp_path / "b.html")
    text = " ".join((tmp_path / "b.html").read_text(encoding="utf-8").split())
    assert "Cost 1,393.50 EUR, 91.2% of dated orders on time (greedy" in text
    assert "EUR, 64.0% of dated orders on time);" in text


def test_the_top_shadow_prices_are_said_in_words(page: str) -> None:
    """The rail departure's price as a sentence, under its heading."""
    part = page.split("<h2>what more capacity would save</h2>", 1)[1]
    items = re.findall(r"<li>(.*?)</li>", part.split("<h2>", 1)[0])
    assert items == ["one more kg on the 2026-11-10 YIW-MAD train saves EUR 2.92"]


def test_where_no_capacity_binds_the_page_says_so(
    two_lane_plan: PlanResult, tmp_path: Path
) -> None:
    """No price above 0: no sentence, 'no capacity binds' instead."""
    write_report(
        two_lane_plan, summary(two_lane_plan) | {"top_shadow_prices": []}, tmp_path / "r.html"
    )
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    part = text.split("<h2>what more capacity would save</h2>", 1)[1].split("<h2>", 1)[0]
    assert "no capacity binds" in part and "<li>" not in part
