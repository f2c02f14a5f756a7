"""Comparisons in the store (`console_scenarios`): a baseline plan job and up to four
what-ifs, each a row with its difference (JSON) and the plan job that ran it."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from api.store import Store, console_scenarios
from api.store.faults import translate_faults


@dataclass(frozen=True)
class StoredScenario:
    scenario_id: str
    comparison_id: str
    key_id: str
    baseline_job_id: str
    position: int
    name: str
    difference: dict[str, Any]
    job_id: str
    created_at: datetime


def new_comparison_id() -> str:
    return f"cmp_{secrets.token_hex(10)}"


def scenario_row(
    comparison_id: str,
    key_id: str,
    baseline_job_id: str,
    position: int,
    name: str,
    difference: dict[str, Any],
    job_id: str,
) -> StoredScenario:
    return StoredScenario(
        scenario_id=f"scn_{secrets.token_hex(10)}",
        comparison_id=comparison_id,
        key_id=key_id,
        baseline_job_id=baseline_job_id,
        position=position,
        name=name,
        difference=difference,
        job_id=job_id,
        created_at=datetime.now(UTC),
    )


def _scenario(row: sa.RowMapping) -> StoredScenario:
    values = dict(row)
    values["difference"] = json.loads(values["difference"])
    return StoredScenario(**values)


class Comparisons:
    """The comparisons of a store; every method one short transaction."""

    def __init__(self, store: Store) -> None:
        self._engine = store.engine

    @translate_faults
    def add(self, scenarios: list[StoredScenario]) -> None:
        rows = [
            {**vars(s), "difference": json.dumps(s.difference, separators=(",", ":"))}
            for s in scenarios
        ]
        with self._engine.begin() as conn:
            conn.execute(console_scenarios.insert(), rows)

    @translate_faults
    def get(self, key_id: str, comparison_id: str) -> list[StoredScenario]:
        """A comparison's what-ifs in their order; none when it is not this key's."""
        table = console_scenarios
        query = (
            table.select()
            .where(table.c.comparison_id == comparison_id, table.c.key_id == key_id)
            .order_by(table.c.position)
        )
        with self._engine.connect() as conn:
            return [_scenario(r._mapping) for r in conn.execute(query)]

    @translate_faults
    def of_key(self, key_id: str, limit: int = 20) -> list[StoredScenario]:
        """The first what-if of each of a key's latest comparisons, newest first."""
        table = console_scenarios
        query = (
            table.select()
            .where(table.c.key_id == key_id, table.c.position == 0)
            .order_by(table.c.created_at.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [_scenario(r._mapping) for r in conn.execute(query)]
