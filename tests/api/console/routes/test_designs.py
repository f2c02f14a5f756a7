"""The designs page in a real Chromium: upload a one-week forecast with its options, watch
the design job's progress live until it ends, and find on the page the figures of the
job's summary.json (cost by part, bound and gap, booked and spot, the robustness table)
and of its bookings.csv (units per lane and week), written in the browser's locale; the
tables sort, the charts draw, the downloads are the job's files. Over plain HTTP: the page
needs the plan scope, a form without its CSRF token or with a bad option is refused, and
a plan job is not a design."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.console.designs import HEADLINES
from api.console.kpis import at_path
from tests.api.console.conftest import Console, new_page, shoot, sign_in, signed_in_client

TINY = Path(__file__).parents[3] / "data" / "design_season" / "forecast.csv"


def two_weeks(directory: Path) -> Path:
    """The one-week forecast of tests/data/design_season and a second week after it, half
    as big again (so the page has two weeks to show)."""
    lines = TINY.read_text().splitlines()
    header = lines[0].split(",")
    later = []
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=True))
        row["week"] = "2026-10-26"
        for name in ("kg", "m3", "parcels"):
            grown = float(row[name]) * 1.5
            row[name] = str(round(grown)) if name == "parcels" else f"{grown:g}"
        later.append(",".join(row[c] for c in header))
    path = directory / "forecast.csv"
    path.write_text("\n".join([*lines, *later]) + "\n")
    return path


def value(cell: Any) -> float | None:
    shown = cell.get_attribute("data-value")
    return None if shown in ("", None) else float(shown)


def test_upload_watch_and_figures_equal_the_summary(
    browser: Any, console: Console, tmp_path: Path
) -> None:
    page = new_page(browser, console, locale="en-GB")
    sign_in(page, console.keys["all"])
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Designs").click()
    page.wait_for_url(re.compile(r"/console/designs$"))
    page.set_input_files("#forecast", str(two_weeks(tmp_path)))
    page.get_by_label("Weeks (the first N; empty: all)").fill("2")
    page.get_by_label("Time limit (seconds)").fill("90")
    page.get_by_label("Robustness scenarios").fill("2")
    page.get_by_role("button", name="Design the bookings").click()
    page.wait_for_url(re.compile(r"/console/designs/design_\w+$"))
    job_id = page.url.rsplit("/", 1)[1]

    seen = set()  # the states the page showed while the job ran
    for _ in range(600):
        seen.add(page.locator("#job-status").get_attribute("data-state"))
        if seen & {"succeeded", "failed", "cancelled"}:
            break
        page.wait_for_timeout(200)
    assert page.locator("#job-status").get_attribute("data-state") == "succeeded"
    assert seen & {"queued", "running"}, "the page never showed the job before it ended"
    page.locator("#kpis").wait_for()
    assert page.locator("#job-progress").get_attribute("value") == "5"

    files = f"/console/designs/{job_id}/files"
    summary = page.request.get(f"{files}/summary.json").json()
    bookings_csv = page.request.get(f"{files}/bookings.csv").body()
    for headline in HEADLINES:
        shown = value(page.locator(f'#kpis [data-kpi="{headline.path}"]'))
        assert shown == at_path(summary, headline.path), headline.path
    for part in ("fixed", "variable", "spot", "unserved"):
        assert value(page.locator(f'[data-kpi="cost.{part}"]')) == summary["cost"][part]
    cost = page.locator('#kpis [data-kpi="cost.total"]').inner_text()
    assert cost == f"€{summary['cost']['total']:,.2f}"  # en-GB: €93,596.51

    rows = list(csv.DictReader(io.StringIO(bookings_csv.decode())))
    units: dict[tuple[str, str], int] = {}
    for r in rows:
        units[r["service_id"], r["week"]] = units.get((r["service_id"], r["week"]), 0) + int(
            r["units"]
        )
    table = page.locator("#units-by-lane")
    for (service, week), n in units.items():
        cell = table.locator(f'tr[data-service="{service}"] td[data-week="{week}"]')
        assert value(cell) == n, (service, week)
    for lane in summary["by_service"]:
        total = table.locator(f'tr[data-service="{lane["service"]}"] td[data-total="units"]')
        assert value(total) == lane["units"], lane["service"]
    for week in summary["by_week"]:
        for field in ("booked_kg", "used_kg", "spot_kg"):
            cell = page.locator(f'#by-week tr[data-week="{week["week"]}"] [data-field="{field}"]')
            assert value(cell) == week[field]
    robustness = summary["robustness"]
    assert len(robustness["scenarios"]) == 2
    for i, scenario in enumerate(robustness["scenarios"]):
        row = page.locator(f'#robustness tr[data-scenario="{i}"]')
        assert scenario["scenario"] in row.inner_text()
        for field in ("cost", "spot_kg", "unserved_parcels", "on_time_share"):
            assert value(row.locator(f'[data-field="{field}"]')) == scenario[field]
    for name in ("expected_cost", "worst_cost", "on_time_share"):
        assert value(page.locator(f'[data-kpi="robustness.{name}"]')) == robustness[name]
    assert page.locator("#units-chart canvas").count() >= 1
    assert page.locator("#spot-chart canvas").count() >= 1

    assert len(summary["by_week"]) >= 2 and summary["forecast"]["weeks"] == 2
    page.set_viewport_size({"width": 1280, "height": 1600})  # the lanes, spot, robustness
    heading = page.get_by_role("heading", name="Booked units per lane and week")
    heading.evaluate("h => h.scrollIntoView()")
    shoot(page, console, "designs")

    totals = [value(c) for c in table.locator('td[data-total="units"]').all()]
    assert totals == sorted(totals, reverse=True)  # the most booked lanes first
    page.get_by_role("button", name="sort by units", exact=True).click()
    totals = [value(c) for c in table.locator('td[data-total="units"]').all()]
    assert totals == sorted(totals) and len(totals) == len(summary["by_service"])

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the bookings (CSV)").click()
    assert Path(download.value.path()).read_bytes() == bookings_csv
    assert "<img" in page.request.get(f"{files}/report.html").text()
    page.goto("/console/designs")
    listed = page.locator("#jobs tbody tr", has=page.get_by_role("link", name=job_id))
    assert "succeeded" in listed.inner_text()
    page.context.close()


@pytest.fixture
def planner(console: Console) -> Iterator[httpx.Client]:
    client = signed_in_client(console, console.keys["all"])
    yield client
    client.close()


def csrf_of(client: httpx.Client) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/designs").text)
    assert found is not None
    return found.group(1)


def designs_listed(client: httpx.Client) -> int:
    return client.get("/console/designs").text.count('href="/console/designs/design_')


def test_the_page_needs_the_plan_scope(console: Console) -> None:
    client = signed_in_client(console, console.keys["quote"])
    refused = client.get("/console/designs")
    assert refused.status_code == 403 and "the &#39;plan&#39; scope" in refused.text
    assert 'href="/console/designs"' not in client.get("/console").text
    client.close()


def test_a_form_without_its_token_or_with_a_bad_option_is_refused(planner: httpx.Client) -> None:
    """No CSRF token: 403; 99 scenarios or no forecast: 422 naming the field; no job is
    made by any of them."""
    before = designs_listed(planner)
    upload = {"forecast": ("forecast.csv", TINY.read_bytes(), "text/csv")}
    assert planner.post("/console/designs", files=upload).status_code == 403
    token = csrf_of(planner)
    bad = planner.post(
        "/console/designs", data={"csrf_token": token, "scenarios": "99"}, files=upload
    )
    assert bad.status_code == 422 and "scenarios" in bad.text
    none = planner.post("/console/designs", data={"csrf_token": token, "scenarios": "1"})
    assert none.status_code == 422 and "choose a forecast file" in none.text
    assert designs_listed(planner) == before


def test_a_plan_job_is_not_a_design(planner: httpx.Client, baseline_job: str) -> None:
    assert planner.get(f"/console/designs/{baseline_job}").status_code == 404
    assert planner.get(f"/console/designs/{baseline_job}/files/summary.json").status_code == 404
    assert planner.get(f"/console/plans/{baseline_job}").status_code == 200
    assert planner.get("/console/designs/design_x/files/plan.csv").status_code == 404
