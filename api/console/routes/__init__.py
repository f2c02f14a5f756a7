"""The console's pages, one router per page (`/console/...`)."""

from api.console.routes import network, plans, signin

ROUTERS = (signin.router, network.router, plans.router)

__all__ = ["ROUTERS"]
