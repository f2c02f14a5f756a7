"""This process's live promise model, and how it changes.

A request reads `LivePromise.current` once (one attribute read) and uses that model for
its whole answer, so it sees either the old model or the new one, never a mix. A new model
is parsed, checked (`routing.promise.checked`) and given its cache in a thread, off the
event loop, and only then assigned: a broken document raises before anything changes.

Every worker gets it through the store: `post` writes the model as the newest row of
`promise_models` and swaps it in this process at once; every process (this one included)
reads the newest row's `seq` every `GLOCAL_PROMISE_POLL_SECONDS` (one indexed row) and,
when it is newer than the one it serves, loads that row's document the same way. So a
model posted to any worker is live on all of them within a poll, and a restarted worker
starts with it (`load`). A stored document that this process cannot use (written by
another glocal) is logged once and leaves the served model as it was.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from api.calibration.records import CalibrationRecords, StoredCalibration
from api.store import Store
from carriers.errors import InvalidRule, StoreUnavailable
from routing.network import Network
from routing.promise.checked import checked_model
from routing.promise.served import ServedModel, model_id_of, network_lanes

log = logging.getLogger("glocal.api")


@dataclass(frozen=True, eq=False)
class Live:
    """A served model and the store's row it came from."""

    served: ServedModel
    stored: StoredCalibration


def parsed_model(
    text: str | bytes, source: str = "body", network: Network | None = None
) -> ServedModel:
    """The served model of a document (JSON as `glocal promise calibrate --model` writes
    it), or InvalidRule whose problems name the fields (ValueError: not JSON); with a
    network, its days on every lane of the network computed (`ServedModel.warm`)."""
    document: Any = json.loads(text)
    served = ServedModel(model_id_of(document), checked_model(document, source))
    if network is not None:
        served.warm(network_lanes(network))
    return served


class LivePromise:
    def __init__(self, store: Store, network: Network | None = None) -> None:
        self.network = network  # whose lanes a model's days are computed for, before it serves
        self.records = CalibrationRecords(store)
        self.current: Live | None = None
        self._refused = 0  # the newest seq whose document could not be used
        self._lock = asyncio.Lock()

    def served(self) -> ServedModel | None:
        """What a request uses: one read of the live model."""
        live = self.current
        return None if live is None else live.served

    def load(self) -> None:
        """At start-up: the store's live model, if it has one (a broken one is logged)."""
        latest = self.records.latest()
        if latest is not None:
            self._take(latest[0])

    async def post(self, text: bytes, key_id: str) -> Live:
        """Check a posted document, store it as the live model and serve it here now."""
        served = await asyncio.to_thread(parsed_model, text, "body", self.network)
        body = text.decode("utf-8")
        stored = await asyncio.to_thread(self.records.add, served.model_id, key_id, body)
        async with self._lock:
            live = Live(served, stored)
            if self.current is None or self.current.stored.seq < stored.seq:
                self.current = live
        log.info("promise model posted", extra={"model": served.model_id, "seq": stored.seq})
        return live

    async def refresh(self) -> None:
        """Serve the store's newest model if it is newer than this process's."""
        latest = await asyncio.to_thread(self.records.latest)
        if latest is None or latest[0] == self._refused:
            return
        held = self.current
        if held is not None and held.stored.seq >= latest[0]:
            return
        async with self._lock:
            await asyncio.to_thread(self._take, latest[0])

    def _take(self, seq: int) -> None:
        stored = self.records.read(seq)
        held = self.current
        if stored is None or (held is not None and held.stored.seq >= seq):
            return
        try:
            served = parsed_model(stored.body, f"promise model {seq}", self.network)
        except (InvalidRule, ValueError) as exc:
            self._refused = seq
            log.error("stored promise model not used", extra={"seq": seq, "error": str(exc)})
            return
        self.current = Live(served, StoredCalibration(**{**vars(stored), "body": ""}))
        log.info("promise model loaded", extra={"model": served.model_id, "seq": seq})

    async def watch_every(self, seconds: float) -> None:
        """Poll the store for a newer model, for the life of the process."""
        while True:
            await asyncio.sleep(seconds)
            try:
                await self.refresh()
            except StoreUnavailable as exc:  # the next poll will do
                log.warning("promise model not polled", extra={"error": exc.message})
