"""The plans page in a real Chromium: upload a small orders file with its options, watch
the job's progress live until it ends, and find on the page the KPIs of the job's
`/v1/plans/{id}/summary` JSON, written in the browser's locale; the downloads are the
job's files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal

from api.console.kpis import HEADLINES, at_path
from tests.api.console.conftest import Console, new_page, orders_file, shoot, sign_in


def test_upload_watch_and_kpis_equal_the_summary(
    browser: Any, console: Console, tmp_path: Path
) -> None:
    page = new_page(browser, console, locale="de-DE")
    sign_in(page, console.keys["all"])
    page.goto("/console/plans")
    shoot(page, console, "plans")
    page.set_input_files("#orders", str(orders_file(tmp_path, n=30, seed=3)))
    page.get_by_label("Horizon (days)").fill("14")
    page.get_by_label("Time limit (seconds)").fill("60")
    page.get_by_role("button", name="Plan these orders").click()
    page.wait_for_url(re.compile(r"/console/plans/plan_\w+$"))
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
    assert page.locator("#job-progress").get_attribute("value") == "8"

    with console.api() as http:
        summary = http.get(f"/v1/plans/{job_id}/summary").json()
        plan_csv = http.get(f"/v1/plans/{job_id}/result").content
    for headline in HEADLINES:
        cell = page.locator(f'#kpis [data-kpi="{headline.path}"]')
        expected = at_path(summary, headline.path)
        shown = cell.get_attribute("data-value")
        assert (shown == "" and expected is None) or float(shown or "nan") == expected
    count = page.locator('[data-kpi="orders.planned"]').inner_text()
    assert count == format_decimal(summary["orders"]["planned"], locale="de_DE")
    cost = page.locator('[data-kpi="optimized.cost"]').inner_text()
    whole, cents = f"{summary['optimized']['cost']:,.2f}".split(".")
    assert cost.startswith(whole.replace(",", ".") + "," + cents)  # German: 3.923,24 €
    for reason, n in summary["orders"]["unplanned_by_reason"].items():
        found = page.locator(f'[data-kpi="orders.unplanned_by_reason.{reason}"]')
        assert found.get_attribute("data-value") == str(n)
    if not summary["top_shadow_prices"]:
        assert "No capacity binds" in page.locator("#shadow-prices").inner_text()
    assert page.locator("#utilisation-chart canvas").count() >= 1
    page.locator("#kpis").scroll_into_view_if_needed()
    shoot(page, console, "plan")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the plan (CSV)").click()
    assert Path(download.value.path()).read_bytes() == plan_csv
    page.goto("/console/plans")
    listed = page.locator("#jobs tbody tr", has=page.get_by_role("link", name=job_id))
    assert "succeeded" in listed.inner_text()
    assert listed.locator("td").nth(5).inner_text() == count
    page.context.close()
