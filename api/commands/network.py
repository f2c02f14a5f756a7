"""`glocal network`: summarise, validate and map a carrier network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.schemas import summary_body
from carriers.errors import InvalidNetwork
from routing.network import load_network
from routing.network.summary import summarize

app = typer.Typer(
    help="Inspect a carrier network (default: the embedded data/).", no_args_is_help=True
)
console = Console()

NetworkOption = Annotated[
    Path | None,
    typer.Option("--network", envvar="GLOCAL_NETWORK", help="Network directory (default data/)."),
]


@app.command()
def summary(
    network: NetworkOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts by node kind, mode and carrier; what each origin reaches, by which modes."""
    figures = summarize(load_network(network))
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
        network = load_network(directory)
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

    network_map(load_network(network)).save(str(out))
    typer.echo(f"wrote {out}")
