"""api/routes/network.py: `GET /v1/network` and `GET /v1/carriers` over the live server
on the tiny network, whose figures can be checked on paper; both need the quote scope."""

from __future__ import annotations

import httpx
import pytest

from tests.api.live import LiveServer, add_key, bearer


@pytest.fixture(scope="module")
def keys(tiny_api: tuple[LiveServer, str]) -> dict[str, str]:
    database = tiny_api[1]
    return {"quote": add_key(database, "quote"), "admin": add_key(database, "admin")}


def test_network_summary_and_carriers(client: httpx.Client, keys: dict[str, str]) -> None:
    """The tiny network's figures, checkable on paper; admin keys may read them too."""
    summary = client.get("/v1/network", headers=bearer(keys["quote"])).json()
    assert summary["network"] == "tiny"
    assert summary["services_by_carrier"] == {"feeder": 1, "lastmile": 3, "skyline": 1}
    assert summary["reach"]["CN-YIW-WH"] == {"ES": ["air", "road", "postal", "courier"],
                                             "PT": ["air", "road"]}  # fmt: skip
    carriers = client.get("/v1/carriers", headers=bearer(keys["admin"])).json()["carriers"]
    assert [c["id"] for c in carriers] == ["feeder", "lastmile", "skyline"]
    skyline = carriers[2]
    assert skyline["name"] == "Test Air"
    assert skyline["services"] == [
        {"id": "skyline-pvg-mad", "name": "skyline-pvg-mad", "from": "CN-PVG-AIR",
         "to": "ES-MAD-HUB", "mode": "air"}
    ]  # fmt: skip


@pytest.mark.parametrize("path", ["/v1/network", "/v1/carriers"])
def test_both_routes_need_the_quote_scope(
    tiny_api: tuple[LiveServer, str], client: httpx.Client, path: str
) -> None:
    """A key with every scope but quote (and admin) is refused on each route: 403."""
    key = add_key(tiny_api[1], "promise", "plan")
    refused = client.get(path, headers=bearer(key))
    assert refused.status_code == 403
    assert refused.json()["code"] == "missing_scope"
