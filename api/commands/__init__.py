"""Sub-commands of `glocal`, one Typer app per concern."""
