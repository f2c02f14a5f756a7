"""The API's routers, one per resource."""

from api.routes import bookings, calibrations, health, network, plans, promises, quotes

ROUTERS = (
    health.router,
    quotes.router,
    bookings.router,
    promises.router,
    calibrations.router,
    plans.router,
    network.router,
)

__all__ = ["ROUTERS"]
