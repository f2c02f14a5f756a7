"""`glocal serve`: the HTTP API on uvicorn.

The network and the database are checked in this process first, so a broken network is
one line and exit 1 rather than workers failing one by one. With `--workers N` this
process owns the one listening socket and hands each connection it accepts to the N
worker processes of `api.app:create_app` in turn (see `supervise`); the rate limit is
shared out among them and the Prometheus metrics of all of them are added up
(multiprocess mode).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import selectors
import shutil
import signal
import socket
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.commands.keys import open_store
from api.log import log_config
from api.settings import Settings
from routing.network import load_network
from routing.quote import engine_for

if TYPE_CHECKING:
    import uvicorn

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
    """`workers` processes of the app, fed by this process, restarted if one dies, all
    stopped on SIGINT / SIGTERM.

    This process accepts every connection and hands it to the next ready worker, round
    robin. The alternatives both split a checkout fleet's few keep-alive connections
    unevenly, and a connection stays where it landed: on one shared accept socket (uvicorn's
    own `--workers`) whichever worker wakes first takes them (97 % and 40 % of a core), and
    with a SO_REUSEPORT socket per worker the kernel's hash of the addresses put 11 of 16 on
    one worker (96 % of a core and queueing, the other at 56 %; p99 over target)."""
    listener = listening_socket(host, port)
    dispatcher = _Dispatcher(listener, logs)

    def stop(signum: int, frame: FrameType | None) -> None:
        dispatcher.stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        dispatcher.run(workers)
    finally:
        dispatcher.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


QUICK_DEATH_S = 5.0  # a worker gone this soon after its start did not start
BACKLOG = 2048  # connections wait here while no worker is ready


def listening_socket(host: str, port: int) -> socket.socket:
    """The one non-blocking TCP socket listening on (host, port); one line and exit 1 if
    that address cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        typer.echo(f"error: cannot listen on {host}:{port}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    sock.setblocking(False)
    return sock


@dataclass
class _Worker:
    """A worker process, this process's end of its channel, and when it started."""

    process: BaseProcess
    channel: socket.socket
    started: float
    ready: bool = False  # said b"ready" and its channel is open


class _Dispatcher:
    """The supervisor's one loop: accepts on `listener` while a worker is ready, hands
    each connection's descriptor to the next ready worker over its channel (a Unix
    SOCK_SEQPACKET pair), and replaces workers that die."""

    def __init__(self, listener: socket.socket, logs: dict[str, Any]) -> None:
        self.listener = listener
        self.logs = logs
        self.context = multiprocessing.get_context("spawn")
        self.selector = selectors.DefaultSelector()
        self.workers: list[_Worker] = []
        self.turn = 0  # the slot that gets the next connection, if ready
        self.accepting = False
        self.quick_deaths = 0
        self.stopping = False

    def run(self, workers: int) -> None:
        self.workers = [self._start() for _ in range(workers)]
        while not self.stopping:
            for key, _ in self.selector.select(timeout=0.5):
                if key.fileobj is self.listener:
                    self._accept()
                else:
                    self._hear(key.data)
            self._replace_dead()
            self._listen(any(worker.ready for worker in self.workers))

    def close(self) -> None:
        self.listener.close()
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()  # uvicorn finishes its requests on SIGTERM
        for worker in self.workers:
            worker.process.join(timeout=30)
            worker.channel.close()
        self.selector.close()

    def _start(self) -> _Worker:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        process = self.context.Process(target=serve_worker, args=(theirs, self.logs))
        try:
            process.start()  # spawn passes `theirs` on to the child
        finally:
            theirs.close()
        mine.setblocking(False)
        worker = _Worker(process, mine, time.monotonic())
        self.selector.register(mine, selectors.EVENT_READ, worker)
        return worker

    def _hear(self, worker: _Worker) -> None:
        """b"ready" from a worker, or the end of its channel (it is gone)."""
        try:
            said = worker.channel.recv(16)
        except BlockingIOError:
            return
        except OSError:
            said = b""
        worker.ready = said == b"ready"
        if not said:
            self.selector.unregister(worker.channel)
            worker.channel.close()

    def _replace_dead(self) -> None:
        for i, worker in enumerate(self.workers):
            if worker.process.is_alive():
                continue
            quick = time.monotonic() - worker.started < QUICK_DEATH_S
            self.quick_deaths = self.quick_deaths + 1 if quick else 0
            if self.quick_deaths >= 3:  # a worker that cannot start: no restart loop
                typer.echo("error: the workers exit as they start; see the log", err=True)
                raise typer.Exit(1)
            log.warning("worker exited; starting another", extra={"code": worker.process.exitcode})
            if worker.channel.fileno() != -1:
                self.selector.unregister(worker.channel)
                worker.channel.close()
            self.workers[i] = self._start()

    def _listen(self, on: bool) -> None:
        """Accept only while a worker is ready; otherwise connections wait in the backlog."""
        if on and not self.accepting:
            self.selector.register(self.listener, selectors.EVENT_READ)
        elif self.accepting and not on:
            self.selector.unregister(self.listener)
        self.accepting = on

    def _accept(self) -> None:
        for _ in range(64):  # then the channels get their turn
            try:
                connection, _ = self.listener.accept()
            except BlockingIOError:
                return
            except OSError as exc:  # the peer gave up already, or out of descriptors
                log.warning("accept failed: %s", exc)
                return
            with connection:  # the worker has its own copy once handed
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if not self._hand(connection):
                    log.warning("no worker took a connection; closed")

    def _hand(self, connection: socket.socket) -> bool:
        """Send the connection to the next ready worker that takes it."""
        count = len(self.workers)
        for step in range(count):
            worker = self.workers[(self.turn + step) % count]
            if not worker.ready:
                continue
            try:
                socket.send_fds(worker.channel, [b"c"], [connection.fileno()])
            except BlockingIOError:
                continue  # its channel is full: it is behind
            except OSError:  # BrokenPipe, ConnectionRefused: it is gone
                worker.ready = False
                continue
            self.turn = (self.turn + step + 1) % count
            return True
        return False


def serve_worker(channel: socket.socket, logs: dict[str, Any]) -> None:
    """One worker process: the app, on the connections the supervisor sends on `channel`."""
    import uvicorn

    class HandedServer(uvicorn.Server):
        """uvicorn with no listener of its own (`sockets=[]` creates no server)."""

        intake: _Intake

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=[])
            self.intake = _Intake(self, channel)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await self.intake.close()
            await super().shutdown(sockets=sockets)

    config = uvicorn.Config(
        "api.app:create_app",
        factory=True,
        log_config=logs,
        access_log=False,
        server_header=False,
    )
    HandedServer(config).run()


class _Intake:
    """A worker's end of its channel: each descriptor received becomes a connection of
    `server`, as if its own listener had accepted it; the channel's end (the supervisor is
    gone) stops the server. Says b"ready" once set up."""

    def __init__(self, server: uvicorn.Server, channel: socket.socket) -> None:
        self.server = server
        self.channel = channel
        self.loop = asyncio.get_running_loop()
        self.connecting: set[asyncio.Task[Any]] = set()
        channel.setblocking(False)
        self.loop.add_reader(channel.fileno(), self._take)
        channel.send(b"ready")

    async def close(self) -> None:
        """Take no more connections; the supervisor sees the channel end."""
        self.loop.remove_reader(self.channel.fileno())
        self.channel.close()
        await asyncio.gather(*self.connecting, return_exceptions=True)

    def _take(self) -> None:
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(self.channel, 16, 1)
            except BlockingIOError:
                return
            if not message:  # the supervisor is gone
                self.loop.remove_reader(self.channel.fileno())
                self.server.should_exit = True
                return
            for fd in fds:
                self._connect(socket.socket(fileno=fd))

    def _connect(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        task = self.loop.create_task(self.loop.connect_accepted_socket(self._protocol, sock))
        self.connecting.add(task)
        task.add_done_callback(self._connected)

    def _connected(self, task: asyncio.Task[Any]) -> None:
        self.connecting.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.debug("a handed connection failed: %s", task.exception())

    def _protocol(self) -> asyncio.Protocol:
        """What uvicorn's own listener builds for each connection (`Server.startup`)."""
        server = self.server
        return server.config.http_protocol_class(  # type: ignore[call-arg]
            config=server.config,
            server_state=server.server_state,
            app_state=server.lifespan.state,
        )
