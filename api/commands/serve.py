"""`glocal serve`: the HTTP API on uvicorn.

The network and the database are checked in this process first, so a broken network is
one line and exit 1 rather than workers failing one by one. With `--workers N` uvicorn
runs N processes of `api.app:create_app`, each on its own SO_REUSEPORT socket (see
`supervise`); the rate limit is shared out among them and the Prometheus metrics of all of
them are added up (multiprocess mode).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer

from api.commands.keys import open_store
from api.log import log_config
from api.settings import Settings
from routing.network import load_network
from routing.quote import engine_for

app = typer.Typer(help="Run the HTTP API (uvicorn).", invoke_without_command=True)
log = logging.getLogger("glocal.serve")


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
        supervise(host, port, workers, logs)
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def supervise(host: str, port: int, workers: int, logs: dict[str, Any]) -> None:
    """`workers` processes, each listening on its own SO_REUSEPORT socket, restarted if one
    dies, all stopped on SIGINT / SIGTERM. With one shared socket (uvicorn's own
    `--workers`), whichever worker wakes first accepts, and checkouts' keep-alive
    connections pile up on one worker while the other idles (measured: 97 % and 40 % of a
    core); with a socket each, the kernel spreads new connections over the workers."""
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()
    # held for the whole run: the address is checked here (one line if it is taken), port 0
    # becomes one port for all, and no other program takes it between worker restarts
    probe = reuse_port_socket(host, port)
    port = probe.getsockname()[1]

    def start() -> tuple[BaseProcess, float]:
        worker = context.Process(target=serve_worker, args=(host, port, logs), daemon=False)
        worker.start()
        return worker, time.monotonic()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    running = [start() for _ in range(workers)]
    quick_deaths = 0
    try:
        while not stopping.wait(0.5):
            for i, (worker, since) in enumerate(running):
                if worker.is_alive():
                    continue
                quick = time.monotonic() - since < QUICK_DEATH_S
                quick_deaths = quick_deaths + 1 if quick else 0
                if quick_deaths >= 3:  # a worker that cannot start: no restart loop
                    typer.echo("error: the workers exit as they start; see the log", err=True)
                    raise typer.Exit(1)
                log.warning("worker exited; starting another", extra={"code": worker.exitcode})
                running[i] = start()
    finally:
        probe.close()
        for worker, _ in running:
            if worker.is_alive():
                worker.terminate()  # uvicorn finishes its requests on SIGTERM
        for worker, _ in running:
            worker.join(timeout=30)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve_worker(host: str, port: int, logs: dict[str, Any]) -> None:
    """One worker process: the app on a socket of its own bound with SO_REUSEPORT."""
    import uvicorn

    sock = reuse_port_socket(host, port)
    config = uvicorn.Config(
        "api.app:create_app",
        factory=True,
        log_config=logs,
        access_log=False,
        server_header=False,
    )
    uvicorn.Server(config).run(sockets=[sock])


QUICK_DEATH_S = 5.0  # a worker gone this soon after its start did not start


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) that the other workers may bind as well."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    return sock
