"""`glocal keys`: create, list and revoke the HTTP API's keys.

A key is printed once, at creation; the store keeps only a salted hash of it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from api.auth import SCOPES, KeyRing, new_key, split_key
from api.schemas import SPANISH_ORDER
from api.settings import Settings
from api.store import Store, StoredKey, check_database_url
from carriers.errors import GlocalError, StoreError, StoreUnavailable

app = typer.Typer(help="API keys of the HTTP service (glocal serve).", no_args_is_help=True)
console = Console()
UNBOUNDED = 10_000  # columns: wider than any row of a table
Scope = StrEnum("Scope", {s.upper(): s for s in SCOPES})  # type: ignore[misc]

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar="GLOCAL_DATABASE_URL",
        help="Database URL (default sqlite:///glocal.sqlite3 in the working directory).",
    ),
]


@contextmanager
def open_store(database: str | None) -> Iterator[Store]:
    """The store, upgraded; a database that cannot be used (its URL refused, or the
    database failing) is one line and exit 1."""
    url = database or Settings().database_url
    try:
        check_database_url(url)
    except StoreError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None
    shown = make_url(url).render_as_string(hide_password=True)
    store = Store(url)
    try:
        store.upgrade()
        yield store
    except (SQLAlchemyError, StoreError, StoreUnavailable) as exc:
        typer.echo(f"error: database {shown}: {str(exc).splitlines()[0]}", err=True)
        raise typer.Exit(1) from None
    finally:
        store.dispose()


@app.command()
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")],
    scope: Annotated[
        list[Scope], typer.Option("--scope", help="A scope to grant; repeat for several.")
    ],
    rate: Annotated[
        float | None, typer.Option(help="Requests per second (default GLOCAL_RATE_LIMIT).")
    ] = None,
    burst: Annotated[
        int | None, typer.Option(help="Requests at once (default GLOCAL_RATE_BURST).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print the key only.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Create a key and print it, once: it cannot be shown again."""
    try:
        made = new_key(name, [s.value for s in scope], rate, burst)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    with open_store(database) as store:
        store.add_key(made.stored)
    if quiet:
        typer.echo(made.key)
        return
    scopes = " ".join(sorted(made.stored.scopes))
    console.print(f"API key [bold]{made.stored.key_id}[/] for {name!r}, scopes: {scopes}")
    console.print("Store it now; it is shown only this once:")
    typer.echo(made.key)


@app.command("list")
def list_keys(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Every key: id, name, scopes, limits, creation, revocation and requests served."""
    with open_store(database) as store:
        keys = store.all_keys()
        requests = store.requests_by_key()
    rows = [_key_row(k, requests.get(k.key_id, 0)) for k in keys]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rows)} API key(s)")
    # an id is what `revoke` takes: never cut short, however narrow the page; a name
    # keeps a readable width; the other cells fold (no ellipsis)
    table.add_column("id", no_wrap=True, min_width=max((len(k.key_id) for k in keys), default=2))
    table.add_column("name", min_width=min(max((len(k.name) for k in keys), default=4), 12))
    for column in ("scopes", "rate/s", "burst", "created", "revoked", "requests"):
        table.add_column(column, overflow="fold")
    for k in keys:
        table.add_row(
            k.key_id,
            k.name,
            " ".join(sorted(k.scopes)),
            "default" if k.rate_per_s is None else f"{k.rate_per_s:g}",
            "default" if k.burst is None else str(k.burst),
            k.created_at.isoformat(timespec="seconds"),
            k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else "",
            str(requests.get(k.key_id, 0)),
        )
    _page().print(table)


def _page() -> Console:
    """A terminal's own width; on a pipe or in a file there is none to keep to, and a
    table is as wide as its cells."""
    return console if sys.stdout.isatty() else Console(width=UNBOUNDED)


def _key_row(k: StoredKey, requests: int) -> dict[str, Any]:
    return {
        "key_id": k.key_id,
        "name": k.name,
        "scopes": sorted(k.scopes),
        "rate_per_s": k.rate_per_s,
        "burst": k.burst,
        "created_at": k.created_at.isoformat(timespec="seconds"),
        "revoked_at": k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else None,
        "requests": requests,
    }


@app.command()
def local(
    file: Annotated[Path, typer.Option(help="Where this machine's key is kept.")] = Path(
        ".venv/local-api-key"
    ),
    port: Annotated[int, typer.Option(help="Port of the curl example.")] = 8000,
    database: DatabaseOption = None,
) -> None:
    """For `make run`: this machine's key, made once and kept in FILE; print it with a
    curl example. A kept key the database does not know (or revoked) is replaced."""
    with open_store(database) as store:
        key = _kept_key(file)
        if not key or KeyRing(store, 0).verify(key) is None:
            made = new_key("local (make run)", ["quote", "promise"])
            store.add_key(made.stored)
            key = made.key
            file.parent.mkdir(parents=True, exist_ok=True)
            file.touch(mode=0o600)
            file.write_text(key + "\n")
    order = json.dumps(SPANISH_ORDER, ensure_ascii=False, separators=(",", ":"))
    console.print(f"Local API key (scopes quote, promise; kept in {file}):")
    typer.echo(key)
    console.print("Quote the example Spanish order once the server is up:")
    typer.echo(
        f"curl -s -X POST http://127.0.0.1:{port}/v1/quotes -H 'Authorization: Bearer {key}' "
        f"-H 'Content-Type: application/json' -d '{order}'"
    )


def _kept_key(file: Path) -> str:
    """The key kept in `file` ("" when there is no file yet). A file that holds something
    else is refused rather than written over."""
    if not file.exists():
        return ""
    text = file.read_bytes()
    try:
        key = text.decode("utf-8").strip()
    except UnicodeDecodeError:
        key = None
    if key is None or (key and split_key(key) is None):
        raise GlocalError(f"{file}: does not hold an API key; give another --file")
    return key


@app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (see glocal keys list).")],
    database: DatabaseOption = None,
) -> None:
    """Revoke a key; servers refuse it within GLOCAL_KEY_CACHE_SECONDS."""
    with open_store(database) as store:
        done = store.revoke(key_id)
    if not done:
        typer.echo(f"error: no active key {key_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")
