"""The scenarios page in a real Chromium: two what-ifs against a baseline plan run as
plan jobs, and the comparison shows each KPI's absolute and % delta computed from the jobs'
`/summary` JSON, coloured better or worse; its maps draw the lanes whose load changed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from api.console.scenarios import KPIS, figure
from tests.api.console.conftest import Console, shoot, wait_for_job


def test_what_ifs_against_a_baseline_and_their_deltas(
    signed_in: Any, console: Console, baseline_job: str
) -> None:
    page = signed_in
    page.goto("/console/scenarios")
    page.get_by_label("Baseline plan").select_option(baseline_job)
    page.get_by_label("name of what-if 1").fill("demand +50 %")
    page.get_by_label("kind of what-if 1").select_option("demand")
    page.get_by_label("factor of what-if 1").fill("1.5")
    page.get_by_label("name of what-if 2").fill("hard deadlines")
    page.get_by_label("kind of what-if 2").select_option("hard_deadlines")
    shoot(page, console, "scenarios")
    page.get_by_role("button", name="Run the what-ifs").click()
    page.wait_for_url(re.compile(r"/console/scenarios/cmp_\w+$"))
    page.locator('#comparison[data-final="true"]').wait_for(timeout=240_000)

    with console.api() as http:
        base = http.get(f"/v1/plans/{baseline_job}/summary").json()
        assert http.get(f"/v1/plans/{baseline_job}").json()["options"]["demand"] == 1.0
        runs = _scenario_jobs(page)
        summaries = []
        for job_id in runs:
            assert wait_for_job(http, job_id)["state"] == "succeeded"
            summaries.append(http.get(f"/v1/plans/{job_id}/summary").json())
    assert summaries[0]["scenario"]["demand"] == 1.5
    assert summaries[1]["params"]["hard_deadlines"] is True
    for kpi in KPIS:
        row = page.locator(f'#deltas tr[data-kpi="{kpi.path}"]')
        assert float(row.locator("[data-value]").get_attribute("data-value") or "nan") == (
            figure(base, kpi.path)
        )
        for n, summary in enumerate(summaries):
            cell = row.locator(f'[data-scenario="{n}"]')
            change = figure(summary, kpi.path) - figure(base, kpi.path)  # type: ignore[operator]
            assert float(cell.get_attribute("data-delta") or "nan") == pytest.approx(change)
            verdict = cell.get_attribute("data-verdict")
            if change == 0:
                assert verdict == "same"
            else:
                better = (change < 0) == (kpi.better == "lower")
                assert verdict == ("better" if better else "worse")
                assert verdict in (cell.get_attribute("class") or "")
    first_map = page.locator(".map[data-lanes-url]").first
    first_map.scroll_into_view_if_needed()
    first_map.and_(page.locator('[data-ready="true"]')).wait_for()
    drawn = json.loads(first_map.get_attribute("data-drawn-lanes") or "[]")
    assert drawn, "demand +50 % moved no lane's load"
    page.locator("#deltas").scroll_into_view_if_needed()
    shoot(page, console, "comparison")


def _scenario_jobs(page: Any) -> list[str]:
    """The what-ifs' plan jobs, in order, as the comparison page links them."""
    return [li.get_attribute("data-job") for li in page.locator("#whatifs li").all()]
