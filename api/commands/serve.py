"""`glocal serve`: the HTTP API on uvicorn.

The database URL, the network, the database and the address are checked in this process
first, so a URL glocal cannot use, a broken network or a taken port is one line and exit 1
rather than workers failing one by one.
With `--workers N`, uvicorn's own supervisor runs N worker processes of
`api.app:create_app` on one shared listening socket, restarts a worker that dies and
stops them all on SIGINT / SIGTERM; the rate limit is shared out among them and the
Prometheus metrics of all of them are added up (multiprocess mode). Across machines, or
to balance keep-alive connections request by request, put a reverse proxy in front
(README, "Serving").
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from api.commands.keys import open_store
from api.log import log_config
from api.settings import Settings
from api.store import check_database_url
from routing.network import load_network
from routing.quote import engine_for

app = typer.Typer(help="Run the HTTP API (uvicorn).", invoke_without_command=True)


@app.callback()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
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
    check_database_url(settings.database_url)  # before the network's seconds of loading
    loaded = load_network(settings.network)
    engine_for(loaded)  # the quote engine's tables: a broken file fails here, in one line
    with open_store(settings.database_url):
        pass  # reachable, and upgraded before any worker starts
    check_address(host, port)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": log_config(log_level),
        "access_log": False,
        "server_header": False,
    }
    if workers == 1:
        uvicorn.run(create_app(settings, loaded), **options)
        return
    metrics_dir = tempfile.mkdtemp(prefix="glocal-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run("api.app:create_app", factory=True, workers=workers, **options)
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def check_address(host: str, port: int) -> None:
    """One line and exit 1 if (host, port) cannot be listened on, before uvicorn tries
    (its own failure is a log record, after the workers' start-up)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror}", err=True)
            raise typer.Exit(1) from None
