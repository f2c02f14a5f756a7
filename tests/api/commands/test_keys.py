"""`glocal keys ...` (api/commands/keys.py): a key is printed once, listed without its
secret (with its limits and the requests it served), revoked once; `keys local` keeps
this machine's key in a file."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from api.auth import KeyRing
from api.cli import app
from api.store import Store

runner = CliRunner()


def test_create_list_revoke(tmp_path: Path) -> None:
    """The printed key verifies; the list shows its id and scopes, never its secret."""
    database = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    created = runner.invoke(
        app,
        ["keys", "create", "--name", "shop", "--scope", "quote", "--scope", "promise",
         "--rate", "5", "--database", database],
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    store = Store(database)
    stored = KeyRing(store, 0).verify(key)
    assert stored is not None and stored.scopes == {"quote", "promise"}
    assert stored.rate_per_s == 5.0

    listed = runner.invoke(app, ["keys", "list", "--json", "--database", database])
    rows = json.loads(listed.output)
    assert [(r["key_id"], r["scopes"], r["revoked_at"]) for r in rows] == [
        (stored.key_id, ["promise", "quote"], None)
    ]
    assert key.split("_", 2)[2] not in listed.output

    revoked = runner.invoke(app, ["keys", "revoke", stored.key_id, "--database", database])
    assert revoked.exit_code == 0 and stored.key_id in revoked.output
    assert KeyRing(store, 0).verify(key) is None
    again = runner.invoke(app, ["keys", "revoke", stored.key_id, "--database", database])
    assert again.exit_code == 1
    assert "no active key" in again.output


def test_quiet_prints_only_the_key_and_bad_input_is_one_line(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    quiet = runner.invoke(
        app, ["keys", "create", "--name", "ci", "--scope", "quote", "-q", "--database", database]
    )
    assert quiet.exit_code == 0 and quiet.output.startswith("glocal_")
    assert len(quiet.output.strip().splitlines()) == 1
    bad = runner.invoke(
        app, ["keys", "create", "--name", "x", "--scope", "quote", "--rate", "0",
              "--database", database],
    )  # fmt: skip
    assert bad.exit_code == 1 and "rate must be > 0" in bad.output
    unreachable = runner.invoke(
        app, ["keys", "list", "--database", "postgresql://u:secret@127.0.0.1:1/none"]
    )
    assert unreachable.exit_code == 1
    assert "error: database postgresql://u:***@127.0.0.1:1/none" in unreachable.output
    assert "secret" not in unreachable.output


def test_local_keeps_one_key_and_replaces_it_once_revoked(tmp_path: Path) -> None:
    """`glocal keys local` makes a quote+promise key, kept in a file only its owner can
    read, and prints it with a curl example on the port; run again it prints the same
    key; once that key is revoked, a new one replaces it in the file."""
    database = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    kept = tmp_path / ".venv" / "local-api-key"
    local = ["keys", "local", "--file", str(kept), "--port", "8123", "--database", database]
    first = runner.invoke(app, local)
    assert first.exit_code == 0, first.output
    key = kept.read_text().strip()
    assert kept.stat().st_mode & 0o777 == 0o600
    assert key in first.output
    assert f"http://127.0.0.1:8123/v1/quotes -H 'Authorization: Bearer {key}'" in first.output
    store = Store(database)
    stored = KeyRing(store, 0).verify(key)
    assert stored is not None and stored.scopes == {"quote", "promise"}
    again = runner.invoke(app, local)
    assert again.exit_code == 0 and kept.read_text().strip() == key
    store.revoke(stored.key_id)
    renewed = runner.invoke(app, local)
    new = kept.read_text().strip()
    assert renewed.exit_code == 0 and new != key and KeyRing(store, 0).verify(new) is not None
    assert len(store.all_keys()) == 2
    store.dispose()


def test_the_list_table_shows_limits_and_requests_served(tmp_path: Path) -> None:
    """Without --json, on a pipe (at COLUMNS=80, which a pipe does not keep to): one row
    per key with its whole id and name, its limits ("default" when it has none), its
    creation time and the requests it was counted for."""
    database = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    runner.invoke(app, ["keys", "create", "--name", "shop of a long name", "--scope", "quote",
                        "--rate", "2.5", "--burst", "7", "-q", "--database", database])  # fmt: skip
    runner.invoke(app, ["keys", "create", "--name", "ops", "--scope", "plan", "-q",
                        "--database", database])  # fmt: skip
    store = Store(database)
    shop, ops = sorted(store.all_keys(), key=lambda k: k.name, reverse=True)
    store.add_usage({(shop.key_id, date(2026, 11, 26), "/v1/quotes"): 12})
    store.dispose()
    listed = runner.invoke(app, ["keys", "list", "--database", database], env={"COLUMNS": "80"})
    assert listed.exit_code == 0 and "2 API key(s)" in listed.output
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in listed.output.splitlines() if line.startswith("│ ")}  # fmt: skip
    assert rows[shop.key_id][:4] == ["shop of a long name", "quote", "2.5", "7"]
    assert rows[shop.key_id][4] == shop.created_at.isoformat(timespec="seconds")
    assert rows[shop.key_id][-1] == "12"
    assert rows[ops.key_id][:4] == ["ops", "plan", "default", "default"]
    assert rows[ops.key_id][-1] == "0"


def on_a_terminal(columns: int, *args: str) -> str:
    """`glocal ARGS` in a fresh process whose stdout is a terminal (a pseudo-terminal)
    COLUMNS wide: what it printed, without its colours."""
    controller, terminal = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        stdout=terminal,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": str(columns), "TERM": "xterm"},
        timeout=120,
        check=False,
    )
    os.close(terminal)
    printed = b""
    with suppress(OSError):  # EIO: the terminal's other end is closed and drained
        while chunk := os.read(controller, 65536):
            printed += chunk
    os.close(controller)
    assert done.returncode == 0, done.stderr
    return re.sub(r"\x1b\[[0-9;]*m", "", printed.decode()).replace("\r\n", "\n")


def test_ids_are_whole_on_a_narrow_terminal(tmp_path: Path) -> None:
    """On a terminal 40 columns wide, each key's id is on one line, uncut (the other
    cells wrap); `revoke` takes what the list shows."""
    database = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    for name in ("checkout of the big merchant", "ops"):
        runner.invoke(app, ["keys", "create", "--name", name, "--scope", "quote", "--scope",
                            "promise", "-q", "--database", database])  # fmt: skip
    store = Store(database)
    ids = {k.key_id for k in store.all_keys()}
    store.dispose()
    printed = on_a_terminal(40, "keys", "list", "--database", database)
    assert max(len(line) for line in printed.splitlines()) <= 40
    first_cells = {line.split("│")[1].strip() for line in printed.splitlines() if "│" in line}
    assert ids <= first_cells and "…" not in printed


def test_local_refuses_a_file_that_holds_no_key(
    tmp_path: Path, run_glocal: Callable[..., tuple[int, str, str]]
) -> None:
    """`keys local --file F` where F holds other text or bytes: one line, exit 1, and F
    is left as it was (never written over)."""
    database = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    kept = tmp_path / "notes"
    for content in (b"my notes\n", b"\x7fELF\x02\xd0\xff"):
        kept.write_bytes(content)
        code, out, err = run_glocal("keys", "local", "--file", str(kept), "--database", database)
        assert (code, out) == (1, "") and kept.read_bytes() == content
        assert err == f"error: {kept}: does not hold an API key; give another --file\n"
