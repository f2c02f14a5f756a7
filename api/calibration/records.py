"""Posted promise models in the store (`api.store.promise_models`): each post is a row,
the live model the row of the highest `seq`; the latest KEPT rows are kept (a rollback
is a post of an older model again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from api.store import Store, promise_models
from api.store.faults import translate_faults

KEPT = 10
_LATEST = (
    sa.select(promise_models.c.seq, promise_models.c.model_id)
    .order_by(promise_models.c.seq.desc())
    .limit(1)
)


@dataclass(frozen=True)
class StoredCalibration:
    seq: int
    model_id: str
    key_id: str
    created_at: datetime
    bytes: int
    body: str = ""  # the document, when read for loading


class CalibrationRecords:
    def __init__(self, store: Store) -> None:
        self.store = store

    @translate_faults
    def add(self, model_id: str, key_id: str, body: str) -> StoredCalibration:
        """A new live model (a row after every other); older rows past KEPT are dropped."""
        made = StoredCalibration(0, model_id, key_id, datetime.now(UTC), len(body.encode()))
        with self.store.engine.begin() as conn:
            seq = conn.execute(
                promise_models.insert()
                .values(
                    model_id=model_id,
                    key_id=key_id,
                    created_at=made.created_at,
                    bytes=made.bytes,
                    body=body,
                )
                .returning(promise_models.c.seq)
            ).scalar_one()
            conn.execute(promise_models.delete().where(promise_models.c.seq <= seq - KEPT))
        return StoredCalibration(seq, model_id, key_id, made.created_at, made.bytes)

    @translate_faults
    def latest(self) -> tuple[int, str] | None:
        """(seq, model id) of the live model, or None (none was ever posted): one indexed
        row, what each worker reads every poll."""
        with self.store.engine.connect() as conn:
            row = conn.execute(_LATEST).first()
        return None if row is None else (int(row.seq), str(row.model_id))

    @translate_faults
    def read(self, seq: int) -> StoredCalibration | None:
        """The row `seq` with its document (None: dropped meanwhile)."""
        with self.store.engine.connect() as conn:
            row = conn.execute(promise_models.select().where(promise_models.c.seq == seq)).first()
        return None if row is None else StoredCalibration(**row._mapping)
