"""The network page in a real Chromium: the map draws every lane of the network (the
services of `/v1/carriers`, as pairs of nodes) and no other, over country outlines served
by glocal itself; a click on a lane shows its services; the lanes table sorts."""

from __future__ import annotations

import json
from typing import Any

from tests.api.console.conftest import Console, shoot


def test_the_map_lanes_match_the_network_and_a_lane_shows_its_services(
    signed_in: Any, console: Console
) -> None:
    page = signed_in
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/console/network")
    page.locator('#map[data-ready="true"]').wait_for()
    drawn = json.loads(page.locator("#map").get_attribute("data-drawn-lanes") or "[]")
    with console.api() as http:
        carriers = http.get("/v1/carriers").json()["carriers"]
    lanes = {f"{s['from']}>{s['to']}" for c in carriers for s in c["services"]}
    assert sorted(drawn) == sorted(lanes)
    assert page.locator("#map path.lane").count() == len(lanes)
    assert page.locator("#lanes tbody tr").count() == len(lanes)
    assert all(url.startswith(console.url) for url in requested), "a request left the server"
    shoot(page, console, "network")

    lane = next(c for c in carriers if len(c["services"]) > 0)["services"][0]
    lane_id = f"{lane['from']}>{lane['to']}"
    row = page.locator(f'#lanes tr[data-lane="{lane_id}"]')
    row.get_by_role("button", name="services").focus()
    page.keyboard.press("Enter")  # keyboard-usable: the table's buttons open a lane too
    panel = page.locator("#lane-panel")
    panel.locator(f'[data-service="{lane["id"]}"]').wait_for()
    services_on_lane = {
        s["id"] for c in carriers for s in c["services"] if f"{s['from']}>{s['to']}" == lane_id
    }
    shown = {e.get_attribute("data-service") for e in panel.locator("[data-service]").all()}
    assert shown == services_on_lane
    assert "cut-off" in panel.inner_text() and "P90" in panel.inner_text()

    page.locator("#map path.lane").first.click(force=True)
    panel.get_by_role("heading", name="Lane").wait_for()


def test_the_lanes_table_sorts_by_a_column(signed_in: Any) -> None:
    page = signed_in
    page.goto("/console/network")
    page.get_by_role("button", name="sort by services").click()
    first = [int(c) for c in page.locator("#lanes tbody tr td:nth-child(4)").all_inner_texts()]
    assert first == sorted(first)
    page.get_by_role("button", name="sort by services").click()
    again = [int(c) for c in page.locator("#lanes tbody tr td:nth-child(4)").all_inner_texts()]
    assert again == sorted(first, reverse=True)
