"""The store's schema, migrated by Alembic (`api/store/migrations/versions/`, one file per
revision, its DDL frozen), on SQLite and PostgreSQL alike.

`upgrade(engine)` brings a database to the latest revision in place and is safe to run
from several processes at once (a PostgreSQL advisory lock, SQLite's `BEGIN IMMEDIATE`):

- an empty database runs every revision in turn, so a new database is built by the same
  steps as an upgraded one;
- a database of an earlier revision runs the later ones, data kept;
- a database made before Alembic (its `glocal_schema` table says version 1, 2 or 3) is
  stamped with the matching revision, which supersedes that table, then upgraded;
- a database of a revision this glocal does not know (a later glocal's) is refused with
  `StoreError`, untouched.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.command import stamp
from alembic.command import upgrade as run_migrations
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from carriers.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LEGACY_TABLE = "glocal_schema"  # the version table before Alembic: versions 1 to 3
_PG_LOCK = 0x676C6F63  # "gloc": the advisory lock that serialises upgrades


def _config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def head() -> str:
    """The latest revision this glocal knows."""
    found = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert found is not None
    return found


def revision(engine: Engine) -> str | None:
    """The database's revision (None for an empty database), reading a legacy version."""
    with engine.connect() as conn:
        return _current(conn)


def _current(conn: Connection) -> str | None:
    found = MigrationContext.configure(conn).get_current_revision()
    if found is None and sa.inspect(conn).has_table(LEGACY_TABLE):
        legacy = conn.execute(sa.text(f"SELECT max(version) FROM {LEGACY_TABLE}")).scalar()
        return None if legacy is None else f"{int(legacy):04d}"
    return found


def upgrade(engine: Engine) -> str:
    """Bring the schema to the latest revision in place; returns it (module docstring)."""
    with engine.connect().execution_options(immediate=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        current = _current(conn)
        known = {s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
        if current is not None and current not in known:
            raise StoreError(
                f"the database has schema revision {current}, which this glocal does not "
                f"know (its latest is {head()}): it was written by a newer glocal; upgrade glocal"
            )
        config = _config(conn)
        if sa.inspect(conn).has_table(LEGACY_TABLE):
            if current is not None:
                stamp(config, current)
            conn.execute(sa.text(f"DROP TABLE {LEGACY_TABLE}"))
        run_migrations(config, "head")
    return head()
