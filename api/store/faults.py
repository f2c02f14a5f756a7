"""The store's failures that are the database's, not the request's: a file or a disk that
cannot be written, a full disk, a locked or corrupt file, a server that does not answer,
a pool with no connection left. The store raises `StoreUnavailable` for these (the API
answers 503 with `Retry-After`, the CLI one line); anything else a statement raises (a
conflict such as `IntegrityError`, a missing table, a bug) goes on as it is: a 500.

`translate_faults` does it, as a decorator of a store method or as `with translate_faults:`
around a call; `invalidate_on_fault(engine)` has a fault close the connection it came on
and retire the pool's others: a SQLite connection opened while its file could not be
written stays read-only, and would refuse every write after the file is fixed.
"""

from __future__ import annotations

import contextlib
import sqlite3
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext

from carriers.errors import StoreUnavailable

# SQLite's result codes that say the file, the disk or the lock failed (the primary code:
# the low byte of an extended one; https://sqlite.org/rescode.html). Not SQLITE_ERROR:
# SQLite raises "no such table" and a syntax error as OperationalError too, and those
# are bugs, not faults.
_SQLITE_FAULTS = frozenset(
    {
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PROTOCOL,
        sqlite3.SQLITE_NOTADB,
    }
)
# Other drivers' (psycopg's) errors that say the database failed, by their PEP 249 class:
# a connection lost or refused, a full disk, a shutdown (OperationalError); a read-only
# transaction on a standby (InternalError). The other classes (IntegrityError,
# ProgrammingError, DataError, NotSupportedError) are about the statement.
_DRIVER_FAULTS = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.InternalError)


def unavailable(exc: BaseException) -> StoreUnavailable | None:
    """The StoreUnavailable that `exc` stands for, or None when it is not a fault of the
    database (module docstring). Its message is the database's reason, first line only:
    no statement, no parameters, no path."""
    cause = exc.orig if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None else exc
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        fault = True  # a connection lost (or retired by `invalidate_on_fault`)
    elif isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", None)
        fault = code is not None and (code & 0xFF) in _SQLITE_FAULTS
    elif isinstance(exc, sa.exc.DBAPIError):
        fault = isinstance(exc, _DRIVER_FAULTS)
    else:  # the pool's wait for a connection; the system's errors of a file or a disk
        fault = isinstance(exc, sa.exc.TimeoutError | OSError)
    if not fault:
        return None
    return StoreUnavailable(f"the database cannot be used now: {_reason(cause)}")


def _reason(cause: BaseException) -> str:
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror  # without the file name that str() adds
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


class _TranslateFaults(contextlib.ContextDecorator):
    """Raises StoreUnavailable for a fault of the database (no state: one instance serves
    every thread)."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is not None and (found := unavailable(exc)) is not None:
            raise found from exc


translate_faults = _TranslateFaults()


def invalidate_on_fault(engine: Engine) -> None:
    """A fault on a connection counts as a disconnect: SQLAlchemy closes that connection
    and retires the pool's others, so the next checkout opens a fresh one."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        error = context.sqlalchemy_exception
        if error is not None and not context.is_disconnect and unavailable(error) is not None:
            context.is_disconnect = True
