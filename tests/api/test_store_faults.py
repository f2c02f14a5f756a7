"""The database's faults, as a client and an operator meet them: a live server (uvicorn on
loopback) whose SQLite file cannot be written (made so for real, with `chattr +i`:
tests/api/store/readonly.py) answers a quote or a plan upload with a 503 problem and
`Retry-After`, never a 500, leaves no plan file behind, and is not ready until the file
can be written again; and `glocal serve` / `glocal keys list`, run as a user runs them,
refuse a database URL they cannot serve from in one line, exit 1, making nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from api.cli import main
from api.settings import Settings
from routing.plan import COLUMNS
from tests.api.live import TINY, add_key, assert_problem, bearer, start_server, tiny_order
from tests.api.store.readonly import unwritable
from tests.helpers import ROOT

GLOCAL = [sys.executable, "-c", "from api.cli import main; main()"]
ROW = "T1,CN-YIW-WH,ES,28001,1,10,10,10,10.00,EUR,apparel,610910,none,false,2026-11-09,"


def test_a_database_that_cannot_be_written_is_a_503_with_retry_after(tmp_path: Path) -> None:
    """While the database file cannot be written: POST /v1/quotes and POST /v1/plans are
    503 store_unavailable with Retry-After: 5 and a detail naming no server path; the
    upload leaves no file; a stored quote still reads; /readyz is not ready. Once the
    file can be written: ready, and a quote is stored again (201)."""
    path = tmp_path / "db" / "glocal.sqlite3"
    path.parent.mkdir()
    database = f"sqlite:///{path}"
    plans = tmp_path / "plans"
    key = add_key(database, "quote", "plan")
    live = start_server(
        Settings(network=TINY, database_url=database, plans_dir=plans, key_cache_seconds=0)
    )
    orders = (",".join(COLUMNS) + "\n" + ROW + "\n").encode()
    try:
        with httpx.Client(base_url=live.url, timeout=30, headers=bearer(key)) as client:
            before = client.post("/v1/quotes", json=tiny_order())
            assert before.status_code == 201, before.text
            with unwritable(path):
                for answer in (
                    client.post("/v1/quotes", json=tiny_order()),
                    client.post("/v1/plans", content=orders, headers={"Content-Type": "text/csv"}),
                ):
                    problem = assert_problem(answer, 503, "store_unavailable")
                    assert answer.headers["retry-after"] == "5"
                    assert str(tmp_path) not in answer.text and "sqlite" not in answer.text
                    assert problem["title"] == "Service unavailable"
                assert sorted(p.name for p in plans.iterdir()) == ["incoming"]
                assert list((plans / "incoming").iterdir()) == []
                assert client.get(before.headers["location"]).status_code == 200
                assert client.get("/readyz").status_code == 503
            assert client.get("/readyz").status_code == 200
            assert client.post("/v1/quotes", json=tiny_order()).status_code == 201
    finally:
        live.stop()


URLS = {
    "in-memory": "sqlite:///",
    "mysql": "mysql://x",
    "not-a-url": "not a url",
    "missing-directory": "sqlite:///{tmp}/nowhere/glocal.sqlite3",
}


@pytest.mark.parametrize(
    "command", [["serve", "--port", "0"], ["keys", "list"]], ids=["serve", "keys-list"]
)
@pytest.mark.parametrize("url", URLS.values(), ids=URLS.keys())
def test_a_url_glocal_cannot_serve_from_is_one_line_and_exit_1(
    url: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In-memory SQLite, mysql://x, `not a url`, a file in a missing directory, in
    GLOCAL_DATABASE_URL: `glocal serve` and `glocal keys list` (through the command's
    entry point, as tests/api/test_cli.py runs it) say `error: ...` in one line on
    stderr, print nothing else, exit 1 and make nothing in the working directory or
    beside the database."""
    monkeypatch.chdir(tmp_path)
    for name in ("WORKERS", "LOG_LEVEL"):  # what serve sets for its workers: put back after
        monkeypatch.setenv(f"GLOCAL_{name}", "")
        monkeypatch.delenv(f"GLOCAL_{name}")
    monkeypatch.setenv("GLOCAL_NETWORK", str(TINY))
    monkeypatch.setenv("GLOCAL_DATABASE_URL", url.format(tmp=tmp_path))
    monkeypatch.setattr(sys, "argv", ["glocal", *command])
    with pytest.raises(SystemExit) as ended:
        main()
    out, err = capsys.readouterr()
    assert (ended.value.code, out) == (1, "")
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert "sqlite:///path/to/glocal.sqlite3" in err or f"{tmp_path}/nowhere " in err
    assert list(tmp_path.iterdir()) == []


def test_glocal_serve_run_as_a_command_refuses_a_missing_directory(tmp_path: Path) -> None:
    """`glocal serve` as its own process, its database in a directory that is not there
    (the issue's sqlite:////nonexistent-dir/x.db, under tmp_path): one line, no
    traceback, exit 1, and the directory is not made."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLOCAL_")}
    env["GLOCAL_NETWORK"] = str(TINY)
    env["GLOCAL_DATABASE_URL"] = f"sqlite:///{tmp_path}/nowhere/x.db"
    done = subprocess.run(
        [*GLOCAL, "serve", "--port", "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"error: the database's directory {tmp_path}/nowhere does not exist; create it first\n"
    )
    assert not (tmp_path / "nowhere").exists()


def test_a_key_the_database_cannot_store_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`glocal keys create` while the database file cannot be written: one line naming
    the database and the reason, exit 1, no key printed."""
    path = tmp_path / "keys.sqlite3"
    add_key(f"sqlite:///{path}", "quote")  # the database, migrated
    monkeypatch.setenv("GLOCAL_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setattr(
        sys, "argv", ["glocal", "keys", "create", "--name", "x", "--scope", "quote"]
    )
    with unwritable(path), pytest.raises(SystemExit) as ended:
        main()
    out, err = capsys.readouterr()
    assert (ended.value.code, out) == (1, "")
    assert err.startswith(f"error: database sqlite:///{path}: the database cannot be used now: ")
    assert len(err.splitlines()) == 1
