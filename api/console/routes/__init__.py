"""The console's pages, one router per page (`/console/...`)."""

from api.console.routes import designs, network, plans, promises, quotes, scenarios, signin

ROUTERS = (
    signin.router,
    network.router,
    plans.router,
    scenarios.router,
    designs.router,
    promises.router,
    quotes.router,
)

__all__ = ["ROUTERS"]
