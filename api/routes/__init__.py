"""The API's routers, one per resource."""

from api.routes import health, network, promises, quotes

ROUTERS = (health.router, quotes.router, promises.router, network.router)

__all__ = ["ROUTERS"]
