"""`glocal serve --workers 2`: uvicorn's supervisor runs two worker processes on one
listening socket; both take connections and answer; the command stops them all on SIGTERM,
open connections or not; a taken port is one line and exit 1. And what `glocal serve`
checks before it starts a worker (network, database, address), in this process."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.api.live import add_key, free_port
from tests.helpers import DATA, ROOT

GLOCAL = [sys.executable, "-c", "from api.cli import main; main()"]
ORDER = ROOT / "examples" / "es-speaker.json"


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLOCAL_")}
    env["GLOCAL_DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    return env


def children(pid: int) -> set[int]:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return {int(p) for p in found.stdout.split()}


def wait_ready(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "glocal serve exited"
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("glocal serve --workers 2 did not become ready")


@contextmanager
def serving(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`glocal serve --workers 2` on `port`, ready; SIGTERM after, which must exit 0."""
    server = subprocess.Popen(
        [*GLOCAL, "serve", "--port", str(port), "--workers", "2", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", server)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0


def owner(port: int, peer: int) -> int:
    """The pid that holds the server side of the connection from local port `peer`."""
    deadline = time.monotonic() + 10
    while True:
        listed = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for line in listed.splitlines():
            if int(line.split()[3].rsplit(":", 1)[1]) == peer:
                return int(re.findall(r"pid=(\d+)", line)[0])
        if time.monotonic() > deadline:
            pytest.fail(f"no owner for the connection from port {peer}:\n{listed}")
        time.sleep(0.1)


def healthy(port: int) -> http.client.HTTPConnection:
    """A keep-alive connection that has had one GET /healthz answered, left open."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/healthz")
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 200
    return connection


def test_both_workers_take_connections_and_stop_on_sigterm(tmp_path: Path) -> None:
    """Connections land on both worker processes of the command (which one takes a new
    connection is the kernel's choice on the shared socket); SIGTERM with keep-alive
    connections still open exits 0."""
    port = free_port()
    seen: set[int] = set()
    connections = []
    with serving(environment(tmp_path), port) as server:
        deadline = time.monotonic() + 90
        while len(seen) < 2:
            assert time.monotonic() < deadline, f"only worker(s) {seen} took connections"
            connection = healthy(port)
            connections.append(connection)
            seen.add(owner(port, connection.sock.getsockname()[1]))
        assert seen <= children(server.pid)
    for connection in connections:
        connection.close()


def test_two_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    env = environment(tmp_path)
    key = add_key(env["GLOCAL_DATABASE_URL"], "quote")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving(env, port) as server:
        workers = children(server.pid) - {server.pid}
        assert len([w for w in workers if w]) >= 2  # two workers (and spawn's tracker)
        body = ORDER.read_bytes()
        for _ in range(6):  # a new connection each time, to either worker
            request = urllib.request.Request(
                f"{url}/v1/quotes",
                data=body,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 201
                assert json.loads(answer.read())["options"]
    deadline = time.monotonic() + 15  # spawn's resource tracker leaves just after its parent
    while [pid for pid in workers if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True,
                          text=True).stdout.strip() not in ("", "Z")  # fmt: skip


def test_a_taken_port_is_one_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*GLOCAL, "serve", "--port", str(port), "--workers", "2"],
            env=environment(tmp_path),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
    )
    assert "Traceback" not in done.stderr


@pytest.fixture
def serve_in_this_process(
    run_glocal: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """`glocal serve ARGS` through the command's entry point here; the GLOCAL_ variables
    it sets for its workers are put back after the test."""
    for name in ("NETWORK", "DATABASE_URL", "WORKERS", "LOG_LEVEL"):
        monkeypatch.setenv(f"GLOCAL_{name}", "")  # remembers the value before, or none
        monkeypatch.delenv(f"GLOCAL_{name}")
    return lambda *args: run_glocal("serve", *args)


def test_what_serve_checks_first_is_an_error_and_exit_1(
    serve_in_this_process: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """Before any worker starts, exit 1 and an error on stderr: a broken network (with
    its problem), a database that does not answer (one line, its password not shown), a
    taken port (one line)."""
    tiny = str(DATA / "tiny")
    database = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    code, out, err = serve_in_this_process("--network", str(tmp_path / "none"))
    assert (code, out) == (1, "") and err.startswith("error: the network has 1 problem(s):")
    assert f"{tmp_path / 'none'}:1: network: is not a directory" in err
    nobody = "postgresql://glocal:s3cret@127.0.0.1:1/glocal"
    code, out, err = serve_in_this_process("--network", tiny, "--database", nobody)
    assert (code, out) == (1, "") and len(err.splitlines()) == 1
    assert err.startswith("error: database postgresql://glocal:***@127.0.0.1:1/glocal: ")
    assert "s3cret" not in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = serve_in_this_process("--network", tiny, "--database", database,
                                               "--port", str(port))  # fmt: skip
    assert (code, out) == (1, "")
    assert err == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"
