"""`glocal network`: summarise, validate and map a carrier network; and `read_network`,
how every command loads the network it is given."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.schemas import summary_body
from carriers.errors import GlocalError, InvalidNetwork
from routing.network import Network, load_network, network_dir
from routing.network.summary import summarize

app = typer.Typer(
    help="Inspect a carrier network (default: the embedded data/).", no_args_is_help=True
)
console = Console()

NetworkOption = Annotated[
    Path | None,
    typer.Option("--network", envvar="GLOCAL_NETWORK", help="Network directory (default data/)."),
]


def read_network(directory: Path | None) -> Network:
    """The network in `directory` (else $GLOCAL_NETWORK, else data/), loaded and checked;
    a file of it that is not UTF-8 text is named."""
    with text_files(network_dir(directory)):
        return load_network(directory)


@contextmanager
def text_files(directory: Path) -> Iterator[None]:
    """While loading the files under `directory`: a UnicodeDecodeError (which does not say
    which file it read) becomes a GlocalError naming the first file that is not UTF-8."""
    try:
        yield
    except UnicodeDecodeError as exc:
        found = _not_utf8(directory)
        raise GlocalError(f"{found or directory}: not UTF-8 text ({exc.reason})") from None


def _not_utf8(directory: Path) -> Path | None:
    """The first data file (.csv, .toml) under `directory` that is not UTF-8 text."""
    for path in sorted(directory.rglob("*")):
        if path.suffix in (".csv", ".toml") and path.is_file():
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                return path
    return None


@app.command()
def summary(
    network: NetworkOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts by node kind, mode and carrier; what each origin reaches, by which modes."""
    figures = summarize(read_network(network))
    source = str(figures.source) if figures.source else None
    if as_json:
        typer.echo(json.dumps(summary_body(figures, source), indent=2))
        return
    console.print(
        f"[bold]{figures.nodes}[/] nodes, [bold]{figures.services}[/] services, "
        f"[bold]{figures.carriers}[/] carriers from {source}"
    )
    console.print(_counts("nodes by kind", figures.nodes_by_kind))
    console.print(_counts("services by mode", figures.services_by_mode))
    console.print(_counts("services by carrier", figures.services_by_carrier))
    reach = Table(title="reach: destination countries per origin, with the modes used")
    reach.add_column("origin")
    reach.add_column("destinations (modes)")
    for origin, lanes in figures.reach.items():
        cells = [f"{country} ({', '.join(modes)})" for country, modes in lanes.items()]
        reach.add_row(origin, "\n".join(cells))
    console.print(reach)


def _counts(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column("name")
    table.add_column("count", justify="right")
    for name, count in counts.items():
        table.add_row(name, str(count))
    return table


@app.command()
def validate(directory: Annotated[Path, typer.Argument(help="Network directory.")]) -> None:
    """Exit 0 when the network is valid; otherwise one line per problem and exit 1."""
    try:
        network = read_network(directory)
    except InvalidNetwork as exc:
        for problem in exc.problems:
            typer.echo(str(problem))
        raise typer.Exit(1) from None
    typer.echo(f"{directory}: valid ({len(network.nodes)} nodes, {len(network.services)} services)")


@app.command("map")
def draw_map(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")],
    network: NetworkOption = None,
) -> None:
    """A folium map of nodes and lanes, coloured by mode."""
    from routing.network.draw import network_map

    network_map(read_network(network)).save(str(out))
    typer.echo(f"wrote {out}")
