"""End to end: the real `glocal keys create` and `glocal serve` commands on the default
network, a free loopback port and a real SQLite file; a Spanish and a Brazilian order
quoted over HTTP and read back; the server's log lines checked. (The same quote and
read-back on PostgreSQL is in test_quotes_api.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.schemas import BRAZILIAN_ORDER, SPANISH_ORDER
from tests.api.live import free_port

GLOCAL = [sys.executable, "-c", "from api.cli import main; main()"]


def glocal_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLOCAL_")}
    env["GLOCAL_DATABASE_URL"] = database_url
    return env


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """`glocal serve` in a subprocess; yields (base URL, a quote key, the log file)."""
    database_url = f"sqlite:///{tmp_path / 'glocal.sqlite3'}"
    env = glocal_env(database_url)
    made = CliRunner().invoke(
        app,
        ["keys", "create", "--name", "e2e", "--scope", "quote", "-q", "--database", database_url],
    )
    assert made.exit_code == 0, made.output
    key = made.output.strip()
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [*GLOCAL, "serve", "--port", str(port)], env=env, stderr=sink, cwd=tmp_path
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, server, log)
        yield url, key, log
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"glocal serve exited {server.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"glocal serve did not get ready:\n{log.read_text()}")


def check_quote(answer: dict[str, Any], currency: str) -> None:
    """Options exist, in the buyer's currency, and each total is shipping + duties."""
    assert answer["currency"] == currency
    assert answer["options"], answer["excluded"]
    for option in answer["options"]:
        money = [option[k] for k in ("shipping", "duties_and_taxes", "total")]
        assert {m["currency"] for m in money} == {currency}
        shipping, duties, total = (Decimal(m["amount"]) for m in money)
        assert total == shipping + duties > 0
        assert option["promise"]["p50"] <= option["promise"]["p90"] <= option["promise"]["p95"]


def test_quotes_over_http_are_stored_and_read_back(served: tuple[str, str, Path]) -> None:
    """Spain and Brazil quoted by the real server; each stored quote reads back the same."""
    url, key, log = served
    auth = {"Authorization": f"Bearer {key}"}
    ids = []
    with httpx.Client(base_url=url, headers=auth, timeout=30) as client:
        for order in (SPANISH_ORDER, BRAZILIAN_ORDER):
            posted = client.post(
                "/v1/quotes", json=order, headers={"X-Request-ID": order["order_id"]}
            )
            assert posted.status_code == 201, posted.text
            assert posted.headers["x-request-id"] == order["order_id"]
            answer = posted.json()
            check_quote(answer, order["currency"])
            assert posted.headers["location"] == f"/v1/quotes/{answer['quote_id']}"
            again = client.get(posted.headers["location"])
            assert again.status_code == 200 and again.json() == answer
            ids.append(order["order_id"])
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    served_lines = [r for r in lines if r.get("route") == "/v1/quotes" and r["status"] == 201]
    assert [r["request_id"] for r in served_lines] == ids
    assert key.split("_", 2)[2] not in log.read_text()
