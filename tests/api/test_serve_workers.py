"""`glocal serve --workers 2`: two worker processes, each on its own SO_REUSEPORT socket,
share one port; both answer; the command stops them all on SIGTERM; a taken port is one
line and exit 1."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.api.live import add_key

ROOT = Path(__file__).parents[2]
GLOCAL = [sys.executable, "-c", "from api.cli import main; main()"]
ORDER = ROOT / "examples" / "es-speaker.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


def test_two_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    env = environment(tmp_path)
    key = add_key(env["GLOCAL_DATABASE_URL"], "quote")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*GLOCAL, "serve", "--port", str(port), "--workers", "2", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_ready(url, server)
        workers = children(server.pid) - {server.pid}
        assert len([w for w in workers if w]) >= 2  # two workers (and spawn's tracker)
        body = ORDER.read_bytes()
        for _ in range(6):  # new connections each time: the kernel spreads them
            request = urllib.request.Request(
                f"{url}/v1/quotes",
                data=body,
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 201
                assert json.loads(answer.read())["options"]
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
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
