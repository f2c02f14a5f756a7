"""glocal's doors: the `glocal` command and (later) the HTTP API."""
