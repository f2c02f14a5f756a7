"""The console: web pages for planners and merchants under `/console`, served by the API's
own app (Jinja2 templates, HTMX for partial updates, a little JavaScript of its own).

mount.py        the console put into the app: routers, static files, error page, state
guard.py        who is signed in (session cookie -> API key), scopes per page, CSRF
sessions.py     the sessions in the store: a token's hash, its key, CSRF token, expiry
render.py       templates, numbers in the visitor's locale, the pages' headers
errors.py       the error page: problem+json's human twin
scenarios.py    what-ifs as differences from a baseline plan; KPI deltas
comparisons.py  the what-ifs in the store, with the plan jobs that ran them
designs.py      a season design's figures, from its job's summary and bookings
routes/         one router per page
templates/      the pages
static/         the console's scripts and styles; vendor/: htmx, Leaflet, world-atlas,
                topojson-client and uPlot, each with its licence (no CDN, no map tiles)
"""

from api.console.mount import install, open_state

__all__ = ["install", "open_state"]
