"""Bookings in the store: the capacity sold per departure and the shipments that sold it.

`book` takes a shipment's load on each of its departures and stores the shipment, in one
transaction, or takes nothing. Each departure's take is one conditional UPDATE
(`sold + load <= capacity`): on PostgreSQL the row is locked by the UPDATE and its
condition re-checked on the row as committed by whoever held the lock first (READ
COMMITTED), on SQLite the transaction is `BEGIN IMMEDIATE` (one writer at a time), so two
bookings never both take the last room. Departures are taken in sorted order, so two
bookings never wait on each other's rows (no deadlock). Amounts are whole grams and cm3:
sums are exact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from api.store.database import Store
from api.store.faults import translate_faults
from api.store.tables import departures, shipments

BOOKED, CANCELLED = "booked", "cancelled"


@dataclass(frozen=True)
class Take:
    """One departure a shipment takes room on, and its capacity now (None: unlimited)."""

    service: str
    day: date
    capacity_g: int | None
    capacity_cm3: int | None


@dataclass(frozen=True)
class Shipment:
    shipment_id: str
    key_id: str
    quote_id: str
    option_id: str
    idempotency_key: str | None
    request_hash: str
    state: str
    created_at: datetime
    cancelled_at: datetime | None
    load_g: int
    load_cm3: int
    departures: tuple[tuple[str, date], ...]
    body: str  # JSON


@dataclass(frozen=True)
class DepartureRow:
    service: str
    day: date
    capacity_g: int | None
    capacity_cm3: int | None
    sold_g: int
    sold_cm3: int


class CapacityExhausted(Exception):
    """A departure has no room left for the shipment's load."""

    def __init__(self, service: str, day: date) -> None:
        super().__init__(f"{service} departing {day.isoformat()} is full")
        self.service, self.day = service, day


class ShipmentStore:
    """Shipments and the capacity they sold, over a `Store`'s database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine
        upsert = postgresql.insert if store.dialect == "postgresql" else sqlite.insert
        self._new_departure = (
            upsert(departures)
            .values(sold_g=0, sold_cm3=0)
            .on_conflict_do_nothing(
                index_elements=[departures.c.service_id, departures.c.departure_date]
            )
        )

    @translate_faults
    def book(self, shipment: Shipment, takes: Sequence[Take]) -> tuple[Shipment, bool]:
        """Store the shipment and take its load on each departure: (it, True); the shipment
        its idempotency key made before, nothing taken: (that one, False). Raises
        CapacityExhausted, nothing taken, when a departure has no room."""
        if shipment.idempotency_key is not None:
            found = self.by_idempotency_key(shipment.key_id, shipment.idempotency_key)
            if found is not None:
                return found, False
        try:
            with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
                for take in sorted(takes, key=lambda t: (t.service, t.day)):
                    self._take(conn, take, shipment.load_g, shipment.load_cm3)
                conn.execute(shipments.insert().values(**_row(shipment)))
        except IntegrityError:
            if shipment.idempotency_key is None:
                raise
            found = self.by_idempotency_key(shipment.key_id, shipment.idempotency_key)
            if found is None:
                raise
            return found, False
        return shipment, True

    def _take(self, conn: sa.Connection, take: Take, g: int, cm3: int) -> None:
        key = {"service_id": take.service, "departure_date": take.day}
        conn.execute(self._new_departure.values(**key))
        c = departures.c
        where = [c.service_id == take.service, c.departure_date == take.day]
        if take.capacity_g is not None:
            where.append(c.sold_g + g <= take.capacity_g)
        if take.capacity_cm3 is not None:
            where.append(c.sold_cm3 + cm3 <= take.capacity_cm3)
        done = conn.execute(
            departures.update()
            .where(*where)
            .values(
                sold_g=c.sold_g + g,
                sold_cm3=c.sold_cm3 + cm3,
                capacity_g=take.capacity_g,
                capacity_cm3=take.capacity_cm3,
            )
        )
        if done.rowcount != 1:
            raise CapacityExhausted(take.service, take.day)

    @translate_faults
    def cancel(self, shipment_id: str, now: datetime | None = None) -> Shipment | None:
        """Cancel a booked shipment and give its load back to its departures, once: a
        cancelled one is returned as it is. None when there is no such shipment."""
        now = now or datetime.now(UTC)
        with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
            done = conn.execute(
                shipments.update()
                .where(shipments.c.shipment_id == shipment_id, shipments.c.state == BOOKED)
                .values(state=CANCELLED, cancelled_at=now)
            )
            row = conn.execute(
                shipments.select().where(shipments.c.shipment_id == shipment_id)
            ).first()
            if row is None:
                return None
            found = _shipment(row._mapping)
            if done.rowcount == 1:
                for service, day in sorted(found.departures):
                    c = departures.c
                    conn.execute(
                        departures.update()
                        .where(c.service_id == service, c.departure_date == day)
                        .values(
                            sold_g=c.sold_g - found.load_g, sold_cm3=c.sold_cm3 - found.load_cm3
                        )
                    )
        return found

    @translate_faults
    def get(self, shipment_id: str) -> Shipment | None:
        query = shipments.select().where(shipments.c.shipment_id == shipment_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _shipment(row._mapping)

    @translate_faults
    def by_idempotency_key(self, key_id: str, idempotency_key: str) -> Shipment | None:
        query = shipments.select().where(
            shipments.c.key_id == key_id, shipments.c.idempotency_key == idempotency_key
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _shipment(row._mapping)

    @translate_faults
    def departures(self, since: date | None = None) -> list[DepartureRow]:
        """Every departure with a booking (cancelled ones too), by service and date."""
        query = departures.select().order_by(departures.c.service_id, departures.c.departure_date)
        if since is not None:
            query = query.where(departures.c.departure_date >= since)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            DepartureRow(
                r.service_id, r.departure_date, r.capacity_g, r.capacity_cm3, r.sold_g, r.sold_cm3
            )
            for r in rows
        ]


def _row(s: Shipment) -> dict:
    row = vars(s).copy()
    row["departures"] = json.dumps([[svc, day.isoformat()] for svc, day in s.departures])
    return row


def _shipment(row: sa.RowMapping) -> Shipment:
    values = dict(row)
    values["departures"] = tuple(
        (svc, date.fromisoformat(day)) for svc, day in json.loads(values["departures"])
    )
    return Shipment(**values)
