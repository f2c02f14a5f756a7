"""A real `glocal serve` on loopback for the benchmarks that talk to a running server
(bench/soak.py, bench/fuzz.py), started the way bench/api_load.py starts its own: a fresh
SQLite file and plans directory in a work directory, a key made by `glocal keys create`
(here with the scopes asked for, and a rate limit no benchmark reaches), the server's
JSON-lines log in `serve.log` there. It also finds the server's worker processes (for
their memory) and reads back what the log says of the requests that failed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from bench.api_load import GLOCAL, free_port

UNLIMITED = "1000000"  # requests per second and burst of the benchmark's key


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    port: int
    key: str
    workdir: Path
    env: dict[str, str]  # the server's environment (its GLOCAL_* settings)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / "serve.log"

    def answers(self, timeout: float = 5.0) -> bool:
        """Whether the server answers GET /healthz within `timeout` seconds."""
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=timeout):
                return True
        except OSError:
            return False

    def glocal(self, *args: str) -> str:
        """Run a `glocal` command against this server's database; its standard output."""
        return _glocal(args, self.env, self.workdir)

    def workers(self) -> list[psutil.Process]:
        """The processes that answer requests: with --workers N, uvicorn's N spawned
        children; with one worker, the serve process itself. Planning processes
        (`api.jobs.work`) and multiprocessing's resource tracker are not workers."""
        try:
            serve = psutil.Process(self.process.pid)
            spawned = [c for c in serve.children() if _is_spawned_worker(c)]
        except psutil.Error:  # the server is gone
            return []
        return spawned or [serve]

    def errors(self) -> dict[str, list[str]]:
        """What the log says at ERROR and above, by request id: each line's message, and
        of its traceback the exception and the innermost frame of glocal's own code."""
        found: dict[str, list[str]] = {}
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:  # not a JSON line (or one cut short by a kill)
                continue
            if record.get("level") not in ("ERROR", "CRITICAL") or "request_id" not in record:
                continue
            said = record.get("msg", "")
            if "code" in record or "error" in record:  # a domain error the server blamed on itself
                said += f" [{record.get('code')}] {record.get('error', '')}".rstrip()
            if record.get("exc"):
                said += ": " + _exception(record["exc"])
            found.setdefault(record["request_id"], []).append(said)
        return found

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 30 s to whatever of the server is left: a worker
        stuck in a request does not stop by itself, nor its supervisor without it."""
        try:
            serve = psutil.Process(self.process.pid)
            family = [serve, *serve.children(recursive=True)]
        except psutil.Error:
            family = []
        self.process.terminate()
        _, alive = psutil.wait_procs(family, timeout=30)
        for process in alive:
            process.kill()
        psutil.wait_procs(alive, timeout=10)
        self.process.wait()


_FRAME = re.compile(r'File "[^"]*?/((?:api|routing|carriers)/[^"]+)", line (\d+), in (\S+)')


def _exception(traceback: str) -> str:
    """`OverflowError: ... (at carriers/pricing.py:38, grams)`: a traceback in one line."""
    frames = _FRAME.findall(traceback)
    where = f" (at {frames[-1][0]}:{frames[-1][1]}, {frames[-1][2]})" if frames else ""
    return traceback.strip().splitlines()[-1] + where


def _is_spawned_worker(process: psutil.Process) -> bool:
    try:
        command = " ".join(process.cmdline())
    except psutil.Error:
        return False
    return "spawn_main" in command and "resource_tracker" not in command


def _environment(workdir: Path, network: Path | None, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLOCAL_")}
    env["GLOCAL_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    if network is not None:
        env["GLOCAL_NETWORK"] = str(network.resolve())
    return env | extra


def _glocal(args: Sequence[str], env: dict[str, str], workdir: Path) -> str:
    # cwd: not the checkout, whose sources would come before PYTHONPATH (a release build)
    done = subprocess.run([*GLOCAL, *args], env=env, cwd=workdir, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"glocal {' '.join(args)} failed:\n{done.stderr.strip()}")
    return done.stdout


@contextmanager
def live_server(
    scopes: Sequence[str],
    *,
    workers: int = 1,
    network: Path | None = None,
    settings: dict[str, str] | None = None,
    workdir: Path | None = None,
    log_level: str = "warning",
) -> Iterator[LiveServer]:
    """`glocal serve --workers N` on a free loopback port, ready (`/readyz` answers), with
    a key of `scopes`; stopped (SIGTERM) on leaving. `settings` are more `GLOCAL_*`
    variables; the work directory is a temporary one unless `workdir` is given (then it
    is kept, with the database, the plans and the log)."""
    kept = workdir is not None
    folder = workdir or Path(tempfile.mkdtemp(prefix="glocal-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = _environment(folder, network, settings or {})
    previous = signal.signal(signal.SIGTERM, _exit)  # a run stopped by SIGTERM cleans up
    try:
        scope_args = [a for s in scopes for a in ("--scope", s)]
        key = _glocal(["keys", "create", "--name", "bench", *scope_args, "--rate", UNLIMITED,
                       "--burst", UNLIMITED, "--quiet"], env, folder).strip()  # fmt: skip
        server = _start(folder, env, key, workers, log_level)
        try:
            yield server
        finally:
            server.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if not kept:
            shutil.rmtree(folder, ignore_errors=True)


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _start(
    workdir: Path, env: dict[str, str], key: str, workers: int, log_level: str
) -> LiveServer:
    port = free_port()
    with (workdir / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [*GLOCAL, "serve", "--port", str(port), "--workers", str(workers), "--log-level",
             log_level],
            env=env, cwd=workdir, stdout=log, stderr=log,
        )  # fmt: skip
    server = LiveServer(process, port, key, workdir, env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{server.url}/readyz", timeout=1):
                return server
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    server.stop()
    tail = server.log.read_text().splitlines()[-5:]
    raise SystemExit("glocal serve did not start:\n" + "\n".join(t[-500:] for t in tail))
