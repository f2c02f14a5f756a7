"""The console in the app: its static files are served by glocal itself, every vendored
library with its licence beside it."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.console.render import HERE
from tests.api.console.conftest import Console

VENDOR = HERE / "static" / "vendor"


def test_every_vendored_library_has_its_licence_and_is_served(console: Console) -> None:
    libraries = [p for p in VENDOR.iterdir() if p.is_dir()]
    assert {p.name for p in libraries} == {
        "htmx",
        "leaflet",
        "topojson-client",
        "uplot",
        "world-atlas",
    }
    for library in libraries:
        assert (library / "LICENSE").read_text().strip()
    for path in ("vendor/htmx/htmx.min.js", "vendor/world-atlas/countries-110m.json", "console.js"):
        got = httpx.get(f"{console.url}/console/static/{path}")
        assert got.status_code == 200 and got.content == (HERE / "static" / path).read_bytes()


def test_no_page_or_script_names_another_host() -> None:
    """No CDN and no tiles: the console's own files load nothing from elsewhere."""
    own = [*Path(HERE / "templates").glob("*.html"), *Path(HERE / "static").glob("*.js")]
    for path in own:
        text = path.read_text()
        assert "http://" not in text and "https://" not in text, path
