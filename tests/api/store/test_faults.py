"""api/store/faults.py: what the database raises when it fails (its file cannot be
written, it is not a database, nothing answers at its address) becomes StoreUnavailable
with the database's reason and no path; a conflict of the request or a bug (a missing
table, a bad statement) stays what it is; a fault retires the pool's connections, so the
store writes again once the file can be written. On real SQLite files (made unwritable
for real, tests/api/store/readonly.py) and a port where nothing listens."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.auth import new_key
from api.store import Store
from api.store.faults import translate_faults, unavailable
from carriers.errors import StoreUnavailable
from tests.api.store.conftest import NOW
from tests.api.store.readonly import unwritable


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'faults.sqlite3'}")
    store.upgrade()
    return store


def test_a_write_to_an_unwritable_file_is_store_unavailable(
    sqlite_store: Store, tmp_path: Path
) -> None:
    """An immutable database file: adding a key raises StoreUnavailable, whose message is
    SQLite's reason on one line and names no path."""
    with unwritable(tmp_path / "faults.sqlite3"), pytest.raises(StoreUnavailable) as raised:
        sqlite_store.add_key(new_key("k", ["quote"], now=NOW).stored)
    message = raised.value.message
    assert message.startswith("the database cannot be used now: ")
    assert "\n" not in message and str(tmp_path) not in message
    assert raised.value.code == "store_unavailable"
    sqlite_store.dispose()


def test_after_a_fault_the_next_write_works_once_the_file_can_be_written(
    sqlite_store: Store, tmp_path: Path
) -> None:
    """A connection opened while the file could not be written stays read-only; the
    fault retires it, so the first write after the file is fixed succeeds."""
    key = new_key("k", ["quote"], now=NOW).stored
    holder = Store(f"sqlite:///{tmp_path / 'faults.sqlite3'}")  # keeps the log open, as a
    holder.key("k")  # busy server does (the last connection to close removes it)
    sqlite_store.engine.dispose()  # the store's connections are opened during the fault
    with unwritable(tmp_path / "faults.sqlite3"):
        assert sqlite_store.key(key.key_id) is None  # reads go on (a read-only connection)
        with pytest.raises(StoreUnavailable):
            sqlite_store.add_key(key)
    sqlite_store.add_key(key)
    assert sqlite_store.key(key.key_id) == key
    sqlite_store.dispose()
    holder.dispose()


def test_a_file_that_is_not_a_database_is_store_unavailable(tmp_path: Path) -> None:
    """SQLite's "file is not a database" (its DatabaseError itself) is a fault too."""
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a SQLite file, and it is long enough to be read" * 100)
    store = Store(f"sqlite:///{path}")
    with pytest.raises(StoreUnavailable, match="file is not a database"):
        store.key("k")
    store.dispose()


def test_a_server_that_does_not_answer_is_store_unavailable() -> None:
    """Nothing listens at the PostgreSQL address: a read raises StoreUnavailable (its
    password shown nowhere)."""
    store = Store("postgresql://u:s3cret@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable) as raised:
        store.all_keys()
    assert "s3cret" not in raised.value.message
    store.dispose()


def test_a_conflict_is_not_a_fault(sqlite_store: Store) -> None:
    """The same key id twice: the IntegrityError goes on as it is (a conflict of the
    request, not the database failing), and unavailable() says None for it."""
    key = new_key("k", ["quote"], now=NOW).stored
    sqlite_store.add_key(key)
    with pytest.raises(sa.exc.IntegrityError) as raised:
        sqlite_store.add_key(key)
    assert unavailable(raised.value) is None
    sqlite_store.dispose()


def test_a_missing_table_or_a_bad_statement_is_not_a_fault(tmp_path: Path) -> None:
    """SQLite raises "no such table" and a syntax error as OperationalError too, with its
    generic code: bugs, not the database failing, so they go on as they are (a 500)."""
    store = Store(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # not upgraded: no tables
    with pytest.raises(sa.exc.OperationalError, match="no such table"):
        store.key("k")
    with store.engine.connect() as conn, pytest.raises(sa.exc.OperationalError) as raised:
        conn.execute(sa.text("SELEC 1"))
    assert unavailable(raised.value) is None
    store.dispose()


def test_an_os_error_gives_its_reason_without_the_file_name() -> None:
    """A full disk while writing /srv/glocal/x: the reason, not the path."""
    found = unavailable(OSError(errno.ENOSPC, "No space left on device", "/srv/glocal/x"))
    assert found is not None
    assert found.message == "the database cannot be used now: No space left on device"


def test_translate_faults_as_a_block_and_as_a_decorator() -> None:
    """A fault raised in the block or the decorated function comes out as
    StoreUnavailable, chained to the original; anything else comes out unchanged."""

    @translate_faults
    def full_disk() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(StoreUnavailable) as raised:
        full_disk()
    assert isinstance(raised.value.__cause__, OSError)
    with pytest.raises(ValueError, match="a bug"), translate_faults:
        raise ValueError("a bug")
