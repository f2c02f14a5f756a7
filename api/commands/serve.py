"""`glocal serve`: the HTTP API on uvicorn.

The network and the database are checked in this process first, so a broken network is
one line and exit 1 rather than workers failing one by one. With `--workers N` uvicorn
runs N processes of `api.app:create_app`; the rate limit is shared out among them and the
Prometheus metrics of all of them are added up (multiprocess mode).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from api.commands.keys import open_store
from api.log import log_config
from api.settings import Settings
from routing.network import load_network
from routing.quote import engine_for

app = typer.Typer(help="Run the HTTP API (uvicorn).", invoke_without_command=True)


@app.callback()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (one per core).")] = 1,
    network: Annotated[
        Path | None,
        typer.Option("--network", envvar="GLOCAL_NETWORK", help="Network directory."),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option("--database", envvar="GLOCAL_DATABASE_URL", help="Database URL."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning, error.")] = "info",
) -> None:
    """Serve the API: quotes, promises, network summary, health and metrics."""
    import uvicorn  # here, not at import: the other commands start faster without it

    from api.app import create_app

    for name, value in (("NETWORK", network), ("DATABASE_URL", database)):
        if value is not None:
            os.environ[f"GLOCAL_{name}"] = str(value)
    os.environ["GLOCAL_WORKERS"] = str(workers)
    os.environ["GLOCAL_LOG_LEVEL"] = log_level
    settings = Settings()
    loaded = load_network(settings.network)
    engine_for(loaded)  # the quote engine's tables: a broken file fails here, in one line
    with open_store(settings.database_url):
        pass  # reachable, and upgraded before any worker starts
    logs = log_config(log_level)
    if workers == 1:
        served = create_app(settings, loaded)
        uvicorn.run(
            served, host=host, port=port, log_config=logs, access_log=False, server_header=False
        )
        return
    metrics_dir = tempfile.mkdtemp(prefix="glocal-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=logs,
            access_log=False,
            server_header=False,
        )
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
