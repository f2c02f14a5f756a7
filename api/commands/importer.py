"""`glocal import`: bring a shipper's own network in as an ordinary glocal world."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carriers.errors import GlocalError
from routing.design.renault.read import read_instance
from routing.design.renault.world import world_files

app = typer.Typer(help="Import a shipper's network as a glocal world.", no_args_is_help=True)


@app.command("renault")
def renault(
    directory: Annotated[Path, typer.Argument(help="Directory of the instance's CSV files.")],
    out: Annotated[Path, typer.Option("--out", help="World directory to write.")],
    country: Annotated[
        list[str] | None,
        typer.Option(help="OBFUSCATED=ISO, e.g. CIO=FR; the rest get stand-ins."),
    ] = None,
) -> None:
    """A Renault inbound instance (*_nodes.csv, *_legs.csv, *_commodities.csv) as nodes.csv,
    carriers/renault-<leg type>.toml and commodities.csv under --out."""
    given = dict(_pair(c) for c in country or [])
    files = world_files(read_instance(directory), given)
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {out}: {len(files) - 2} carrier files, nodes.csv, commodities.csv")


def _pair(text: str) -> tuple[str, str]:
    code, _, iso = text.partition("=")
    if not code or len(iso) != 2:
        raise GlocalError(f"--country must read OBFUSCATED=ISO (CIO=FR), got {text!r}")
    return code, iso.upper()
