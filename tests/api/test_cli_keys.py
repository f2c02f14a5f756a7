"""`glocal keys ...`: a key is printed once, listed without its secret, revoked once."""

from __future__ import annotations

import json
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
