"""The HTTP API: `create_app()` builds the FastAPI app (routers in `api.routes`).

    POST /v1/quotes             scope quote     an order -> ranked options (201, Location)
    GET  /v1/quotes/{quote_id}  scope quote     a stored quote, for 30 days
    POST /v1/quotes/{quote_id}/book  scope book  book an option: its capacity taken (201)
    GET|DELETE /v1/shipments/{id}  scope book   a shipment; cancelled, its capacity back
    POST /v1/promises           scope promise   a product x up to 200 destinations -> dates
    POST /v1/plans              scope plan      an orders table -> a plan job (202)
    GET  /v1/plans/{id}[/result|/summary|/report], DELETE /v1/plans/{id}
    GET|POST /v1/webhook-secret scope plan      the secret that signs plan webhooks
    POST /v1/promise-calibrations  scope admin  a learned promise model -> live (201)
    GET  /v1/promise-calibrations/current       scope promise: the live model
    GET  /v1/network            scope quote     the loaded network's summary
    GET  /v1/carriers           scope quote     carriers and their services
    GET  /healthz, /readyz, /metrics            liveness, readiness, Prometheus
    GET  /openapi.json, /docs                   OpenAPI with examples, Swagger UI
    GET  /console                               the console's pages (`api.console`)

Keys, scopes and rate limits: `api.auth`, `api.deps`; errors: `api.problems`; the
store: `api.store`; settings (`GLOCAL_*`): `api.settings`.

At start-up (the app's lifespan) the network is loaded, validated and compiled, the
quote engine's tables (FX rates, customs rules) are read, the network summary is
computed, and the store is opened and upgraded; a request then does no file I/O and no
graph building. The store's live learned promise model is loaded too, and polled for a
newer one (`api.calibration`). The lifespan also starts the plan job runner
(`api.jobs.runner`: queued plans, each in a process of its own) and the webhook sender
(`api.webhooks`), and stops them at shutdown, the runner putting its unfinished jobs back
in the queue.
Run it with
`glocal serve`, or `uvicorn --factory api.app:create_app`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import logging.config
import sqlite3
from collections.abc import AsyncIterator

from fastapi import FastAPI

from api import console, problems
from api.auth import KeyRing, RateLimiter
from api.bidprice_solver import BidPriceSolver
from api.calibration import LivePromise
from api.capacity import CapacityBoard
from api.compute import Compute
from api.deps import AppState
from api.jobs import JobRecords, JobRunner, RunnerConfig
from api.jobs.files import plans_dir
from api.jobs.service import PlanJobs
from api.log import log_config
from api.metrics import Metrics
from api.middleware import RequestContext
from api.openapi import with_models
from api.quote_writer import QuoteWriter
from api.routes import ROUTERS
from api.schemas import carriers_body, summary_body
from api.settings import Settings
from api.store import ShipmentStore, Store
from api.usage import UsageMeter
from api.webhooks import SenderConfig, WebhookSender
from carriers.errors import StoreUnavailable
from routing.network import Network, load_network
from routing.network.summary import summarize
from routing.quote import engine_for

log = logging.getLogger("glocal.api")
PURGE_EVERY_S = 6 * 3600
CHECKPOINT_EVERY_S = 1.0
DESCRIPTION = """Shipping quotes with landed cost and delivery promises, from a carrier
network of Chinese origins, line-haul carriers and local last miles.

Every `/v1` route needs `Authorization: Bearer <key>` (`glocal keys create`); every error
is `application/problem+json` (RFC 9457); every answer carries `X-Request-ID`."""


def build_state(settings: Settings, metrics: Metrics, network: Network | None) -> AppState:
    """Load everything a request reads, once."""
    network = network or load_network(settings.network)
    engine_for(network)  # FX rates and customs rules, read now rather than on a request
    store = Store(settings.database_url, background_checkpoints=True)
    store.upgrade()
    promise = LivePromise(store, network)
    promise.load()
    shipments = ShipmentStore(store)
    capacity = CapacityBoard(
        network,
        shipments,
        settings.capacity_file,
        settings.bidprice_file,
        settings.capacity_pricing,
        settings.capacity_margin,
    )
    capacity.refresh()
    return AppState(
        settings=settings,
        network=network,
        store=store,
        quotes=QuoteWriter(store),
        keys=KeyRing(store, settings.key_cache_seconds),
        limiter=RateLimiter(settings.rate_limit, settings.rate_burst, settings.workers),
        usage=UsageMeter(store),
        metrics=metrics,
        compute=Compute(settings.quote_threads, settings.request_timeout_s),
        promise=promise,
        summary=summary_body(summarize(network), network.source.name if network.source else None),
        carriers=carriers_body(network),
        shipments=shipments,
        capacity=capacity,
    )


def bidprice_solver(settings: Settings, state: AppState) -> BidPriceSolver | None:
    """The scheduled bid-price re-solve, when its interval, orders and file are set."""
    if None in (settings.bidprice_interval_s, settings.bidprice_orders, settings.bidprice_file):
        return None
    assert settings.bidprice_orders is not None and settings.bidprice_file is not None
    return BidPriceSolver(
        state.network,
        state.capacity,
        settings.bidprice_orders,
        settings.bidprice_file,
        settings.bidprice_time_limit_s,
    )


def start_jobs(state: AppState) -> tuple[PlanJobs, WebhookSender]:
    """The plan jobs' state, its runner and the webhook sender, started."""
    s = state.settings
    records = JobRecords(state.store)
    root = plans_dir(s).resolve()
    runner = JobRunner(
        records,
        RunnerConfig(
            root=root,
            database_url=s.database_url,
            network_dir=state.network.source.resolve() if state.network.source else None,
            scheduler=s.dask_scheduler,
            concurrency=s.plan_concurrency,
            lease_seconds=s.plan_lease_seconds,
            max_attempts=s.plan_max_attempts,
            poll_seconds=s.plan_poll_seconds,
            dates_back_days=s.dates_back_days,
            dates_ahead_days=s.dates_ahead_days,
        ),
    )
    sender = WebhookSender(
        records,
        SenderConfig(
            attempts=s.webhook_attempts,
            backoff_seconds=s.webhook_backoff_seconds,
            timeout_seconds=s.webhook_timeout_seconds,
            allow_private=s.webhook_allow_private,
            poll_seconds=s.plan_poll_seconds,
        ),
    )
    jobs = PlanJobs(state.store, records, root, state.network, s.plan_max_upload_bytes, runner)
    runner.start()
    sender.start()
    return jobs, sender


async def _purge_every(store: Store, seconds: float) -> None:
    while True:
        try:
            removed = await asyncio.to_thread(store.purge_quotes)
            log.info("expired quotes purged", extra={"removed": removed})
        except StoreUnavailable as exc:  # the next round will do; /readyz says not ready
            log.warning("expired quotes not purged", extra={"error": exc.message})
        await asyncio.sleep(seconds)


async def _checkpoint_every(store: Store, seconds: float) -> None:
    """The store's checkpoints, off the event loop (`Store(background_checkpoints=True)`).
    A database that cannot be written is logged once, when it starts failing."""
    failing = False
    while True:
        await asyncio.sleep(seconds)
        try:
            await asyncio.to_thread(store.checkpoint)
            failing = False
        except (StoreUnavailable, sqlite3.Error, OSError) as exc:  # the next one will do
            if not failing:
                log.warning("checkpoint failed", extra={"error": str(exc)})
            failing = True


def create_app(settings: Settings | None = None, network: Network | None = None) -> FastAPI:
    """The app; `settings` default to the environment, `network` to settings.network."""
    settings = settings or Settings()
    logging.config.dictConfig(log_config(settings.log_level))
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = await asyncio.to_thread(build_state, settings, metrics, network)
        app.state.glocal = state
        # The network, rules and tables live as long as the process: out of the collector's
        # scans, a full collection no longer walks them in the middle of a request.
        gc.freeze()
        jobs, sender = start_jobs(state)
        app.state.glocal_jobs = jobs
        app.state.glocal_console = console.open_state(state)
        tasks = [
            asyncio.create_task(state.usage.flush_every(settings.usage_flush_seconds)),
            asyncio.create_task(_purge_every(state.store, PURGE_EVERY_S)),
            asyncio.create_task(_checkpoint_every(state.store, CHECKPOINT_EVERY_S)),
            asyncio.create_task(state.promise.watch_every(settings.promise_poll_seconds)),
            asyncio.create_task(state.capacity.refresh_every(settings.capacity_refresh_s)),
        ]
        resolver = bidprice_solver(settings, state)
        if resolver is not None and settings.bidprice_interval_s is not None:
            tasks.append(asyncio.create_task(resolver.every(settings.bidprice_interval_s)))
        log.info("ready", extra={"network": state.summary["network"], "db": state.store.dialect})
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            assert jobs.runner is not None
            await asyncio.gather(
                asyncio.to_thread(jobs.runner.stop), asyncio.to_thread(sender.stop)
            )
            state.compute.close()
            state.usage.flush()
            state.store.dispose()

    app = FastAPI(
        title="glocal",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    problems.register(app)
    for router in ROUTERS:
        app.include_router(router)
    console.install(app)
    app.add_middleware(
        RequestContext,
        metrics=metrics,
        router=app.router,
        max_body=settings.max_body_bytes,
        upload_caps={
            "/v1/plans": settings.plan_max_upload_bytes,
            "/console/plans": settings.plan_max_upload_bytes,
            "/v1/promise-calibrations": settings.promise_model_max_bytes,
        },
    )
    app.openapi = lambda: with_models(app, settings)  # type: ignore[method-assign]
    return app
