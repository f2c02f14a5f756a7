"""Fixtures of the console's tests: one real uvicorn server on loopback over the default
world and a real SQLite file, real keys, and a headless Chromium per test module (the
distribution's, `/usr/bin/chromium`, installed by `.ci/run`) driven by Playwright.

Where Playwright or a Chromium is missing, the browser tests skip and say which. Set
`GLOCAL_SCREENSHOTS=docs/console` to write the pages' screenshots into the repository
(the committed ones were made so); otherwise they go to a temporary directory.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import Settings
from routing.plan import sample_orders
from tests.api.live import LiveServer, add_key, start_server

CHROMIUM = os.environ.get("GLOCAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DONE = ("succeeded", "failed", "cancelled")


@dataclass
class Console:
    live: LiveServer
    database: str
    keys: dict[str, str]  # by name: every scope, plan only, quote only, ...
    shots: Path

    @property
    def url(self) -> str:
        return self.live.url

    def api(self, key: str = "all") -> httpx.Client:
        """The HTTP API with a key, to check a page against the JSON it shows."""
        headers = {"Authorization": f"Bearer {self.keys[key]}"}
        return httpx.Client(base_url=self.live.url, timeout=30, headers=headers)


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    base = tmp_path_factory.mktemp("console")
    database = f"sqlite:///{base / 'glocal.sqlite3'}"
    settings = Settings(
        database_url=database,
        plans_dir=base / "plans",
        rate_limit=1000,
        rate_burst=1000,
        key_cache_seconds=0,
        plan_poll_seconds=0.2,
        max_body_bytes=1_000_000,
    )
    live = start_server(settings)
    keys = {
        "all": add_key(database, "plan", "quote", "promise"),
        "quote": add_key(database, "quote"),
    }
    shots = Path(os.environ.get("GLOCAL_SCREENSHOTS") or base / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    yield Console(live, database, keys, shots)
    live.stop()


def _no_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (Playwright's sync API holds an event loop
    in this thread while it runs: closed with the module, it leaves none behind for the
    tests that start their own)."""
    why = _no_browser()
    if why is not None:
        pytest.skip(f"no browser for the console's tests: {why}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser: Any, console: Console, locale: str = "en-GB") -> Any:
    """A fresh browser context (its own cookies) and page on the console."""
    context = browser.new_context(
        base_url=console.url, locale=locale, viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(30_000)
    return context.new_page()


def sign_in(page: Any, key: str) -> None:
    page.goto("/console/sign-in")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/console$"))


@pytest.fixture
def signed_in(browser: Any, console: Console) -> Iterator[Any]:
    """A page signed in with the key of every scope."""
    page = new_page(browser, console)
    sign_in(page, console.keys["all"])
    yield page
    page.context.close()


def signed_in_client(console: Console, key: str) -> httpx.Client:
    """An HTTP client with a console session of `key` (its cookie), to check the pages
    without a browser."""
    client = httpx.Client(base_url=console.url, timeout=30)
    form = client.get("/console/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    done = client.post("/console/sign-in", data={"api_key": key, "csrf_token": token.group(1)})
    assert done.status_code == 303
    return client


def shoot(page: Any, console: Console, name: str) -> Path:
    """A screenshot of the page's viewport (PNG) under the screenshots directory."""
    path = console.shots / f"{name}.png"
    page.screenshot(path=str(path), type="png", full_page=False)
    return path


def orders_file(directory: Path, n: int = 30, seed: int = 3) -> Path:
    path = directory / "orders.csv"
    sample_orders(n, seed=seed).to_csv(path, index=False)
    return path


def wait_for_job(http: httpx.Client, job_id: str, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = http.get(f"/v1/plans/{job_id}").json()
        if job["state"] in DONE:
            return job
        time.sleep(0.2)
    raise AssertionError(f"plan job {job_id} did not end: {job}")


@pytest.fixture(scope="session")
def baseline_job(console: Console, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A succeeded plan of the key of every scope, made through the API."""
    orders = orders_file(tmp_path_factory.mktemp("baseline"), n=30, seed=5)
    with console.api() as http:
        made = http.post(
            "/v1/plans",
            content=orders.read_bytes(),
            params={"time_limit_s": 60},
            headers={"Content-Type": "text/csv"},
        )
        assert made.status_code == 202, made.text
        job = wait_for_job(http, made.json()["job_id"])
    assert job["state"] == "succeeded", job
    return str(job["job_id"])
