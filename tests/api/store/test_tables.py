"""api/store/tables.py: times go in as aware datetimes and come back as the same instant
in UTC on SQLite and PostgreSQL alike; a naive time is refused; the plan jobs' unique
idempotency key binds only the jobs that carry one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from api.store import engine_url, metadata, plan_jobs
from api.store.tables import UtcDateTime
from tests.api.jobs.conftest import a_job

times = sa.Table(
    "times",
    sa.MetaData(),
    sa.Column("n", sa.Integer, primary_key=True),
    sa.Column("at", UtcDateTime),
)
MADRID_WINTER = timezone(timedelta(hours=1))


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """A database holding only the `times` table."""
    made = sa.create_engine(engine_url(database_url))
    with made.begin() as conn:
        times.drop(conn, checkfirst=True)
        times.create(conn)
    yield made
    with made.begin() as conn:
        times.drop(conn)
    made.dispose()


def test_an_aware_time_comes_back_as_the_same_instant_in_utc(engine: sa.Engine) -> None:
    """13:00 in Madrid (+01:00) comes back as 12:00 UTC, aware, on either database."""
    with engine.begin() as conn:
        conn.execute(
            times.insert(), [{"n": 1, "at": datetime(2026, 11, 26, 13, 0, tzinfo=MADRID_WINTER)}]
        )
        back = conn.execute(sa.select(times.c.at)).scalar_one()
    assert back == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert back.utcoffset() == timedelta(0)


def test_a_missing_time_stays_missing(engine: sa.Engine) -> None:
    """NULL in, None out (revoked_at of a key never revoked)."""
    with engine.begin() as conn:
        conn.execute(times.insert(), [{"n": 1, "at": None}])
        assert conn.execute(sa.select(times.c.at)).scalar_one() is None


def test_a_naive_time_is_refused(engine: sa.Engine) -> None:
    """A datetime without an offset is not guessed at: the insert fails, nothing is stored."""
    naive = datetime(2026, 11, 26, 12, 0)
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), engine.begin() as conn:
        conn.execute(times.insert(), [{"n": 1, "at": naive}])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(times)).scalar_one() == 0


def test_sqlite_keeps_the_utc_wall_clock() -> None:
    """SQLite has no offsets: the column holds the UTC wall-clock time (13:00+01:00 is
    stored as 12:00), so text comparisons of times (expiry) order them right."""
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        times.create(conn)
        conn.execute(
            times.insert(), [{"n": 1, "at": datetime(2026, 11, 26, 13, 0, tzinfo=MADRID_WINTER)}]
        )
        raw = conn.execute(sa.text("SELECT at FROM times")).scalar_one()
    assert raw == "2026-11-26 12:00:00.000000"


@settings(max_examples=60, deadline=None)
@given(
    at=st.datetimes(
        min_value=datetime(1971, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.builds(
            timezone, st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m))
        ),
    )
)
def test_any_aware_time_round_trips_on_sqlite(at: datetime) -> None:
    """Any aware time, at any whole-minute offset and to the microsecond, reads back equal
    and in UTC."""
    engine = sa.create_engine("sqlite://")
    with engine.begin() as conn:
        times.create(conn)
        conn.execute(times.insert(), [{"n": 1, "at": at}])
        back = conn.execute(sa.select(times.c.at)).scalar_one()
    assert back == at and back.tzinfo is UTC


def test_jobs_without_an_idempotency_key_never_collide(database_url: str) -> None:
    """(key_id, idempotency_key) is unique, but NULL keys are not equal: a key may post any
    number of jobs without one, and only one with a given one."""
    engine = sa.create_engine(engine_url(database_url))
    with engine.begin() as conn:
        metadata.drop_all(conn)
        metadata.create_all(conn)
    row = dict(vars(a_job("x")))
    row |= {"options": "{}", "progress": "[]", "error": None, "outcome": None}
    with engine.begin() as conn:
        conn.execute(plan_jobs.insert(), [row | {"job_id": "a"}, row | {"job_id": "b"}])
        conn.execute(plan_jobs.insert(), [row | {"job_id": "c", "idempotency_key": "week-46"}])
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(plan_jobs.insert(), [row | {"job_id": "d", "idempotency_key": "week-46"}])
    with engine.begin() as conn:
        conn.execute(
            plan_jobs.insert(),
            [row | {"job_id": "e", "key_id": "k2", "idempotency_key": "week-46"}],
        )
        ids = conn.execute(sa.select(plan_jobs.c.job_id).order_by(plan_jobs.c.job_id)).scalars()
        assert list(ids) == ["a", "b", "c", "e"]
        metadata.drop_all(conn)
    engine.dispose()
