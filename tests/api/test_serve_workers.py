"""`glocal serve --workers 2`: the command listens and hands each connection to one of two
worker processes in turn; both answer; keep-alive connections end up evenly split; the
command stops them all on SIGTERM, open connections or not; a taken port is one line and
exit 1."""

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
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.api.live import add_key, free_port

ROOT = Path(__file__).parents[2]
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


def owners(port: int, peers: list[int]) -> dict[int, int]:
    """The pid that holds the server side of each connection from a local port in `peers`,
    once each has one holder (the supervisor closes its copy right after handing it on)."""
    deadline = time.monotonic() + 10
    while True:
        listed = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        held: dict[int, list[int]] = {}
        for line in listed.splitlines():
            peer = int(line.split()[3].rsplit(":", 1)[1])
            held[peer] = [int(pid) for pid in re.findall(r"pid=(\d+)", line)]
        if all(len(held.get(peer, [])) == 1 for peer in peers):
            return {peer: held[peer][0] for peer in peers}
        if time.monotonic() > deadline:
            pytest.fail(f"no single owner for every connection:\n{listed}")
        time.sleep(0.1)


def healthy(port: int) -> http.client.HTTPConnection:
    """A keep-alive connection that has had one GET /healthz answered, left open."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/healthz")
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 200
    return connection


def wait_both_workers(port: int) -> None:
    """Until a connection has been served by each worker: both told the supervisor they
    are ready (the first to start may take connections alone until then)."""
    seen: set[int] = set()
    deadline = time.monotonic() + 90
    while len(seen) < 2:
        assert time.monotonic() < deadline, "the second worker did not get ready"
        connection = healthy(port)
        seen |= set(owners(port, [connection.sock.getsockname()[1]]).values())
        connection.close()


def test_keep_alive_connections_are_split_evenly(tmp_path: Path) -> None:
    """8 keep-alive connections to 2 workers: 4 each, dealt in turn (the kernel's
    SO_REUSEPORT hash put 11 of 16 on one); SIGTERM with them still open exits 0."""
    port = free_port()
    with serving(environment(tmp_path), port) as server:
        wait_both_workers(port)
        connections = [healthy(port) for _ in range(8)]
        held = owners(port, [c.sock.getsockname()[1] for c in connections])
        assert sorted(Counter(held.values()).values()) == [4, 4]
        assert set(held.values()) <= children(server.pid)
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
