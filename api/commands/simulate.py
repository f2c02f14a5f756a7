"""`glocal simulate-checkout`: a peak week of buyers quoted, choosing and booking under a
capacity policy (`routing.checkout`; docs/checkout-simulation.md)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from api.commands.network import NetworkOption, read_network
from carriers.errors import InvalidPlanInput
from routing.checkout.outcome import Result
from routing.checkout.simulate import POLICIES, Settings, simulate
from routing.plan.sample import PROFILES
from routing.quote.capacity import PRICING


def simulate_checkout_command(
    policy: Annotated[
        str, typer.Option("--policy", help=f"One of {', '.join(POLICIES)}.")
    ] = "bid-price",
    profile: Annotated[
        str, typer.Option("--profile", help=f"One of {', '.join(PROFILES)}.")
    ] = "peak",
    seed: Annotated[int, typer.Option("--seed")] = 1,
    arrivals: Annotated[
        int, typer.Option("--arrivals", help="Buyers over the profile's week.")
    ] = Settings.arrivals,
    pricing: Annotated[
        str,
        typer.Option("--pricing", help=f"bid-price: one of {', '.join(PRICING)}."),
    ] = Settings.pricing,
    resolve_every: Annotated[
        int | None,
        typer.Option(
            "--resolve-every", help="bid-price: arrivals between re-solves (default: 1/20 of them)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    network: NetworkOption = None,
) -> None:
    """Buyers arrive over a week, are quoted over the capacity left, choose by a stated
    logit and book; print the week's logistics cost, on-time and spot shares."""
    if policy not in POLICIES:
        raise InvalidPlanInput(f"--policy must be one of {', '.join(POLICIES)}, got {policy!r}")
    settings = Settings(profile, seed, arrivals, pricing, resolve_every)
    found = simulate(read_network(network), settings, policy)
    typer.echo(json.dumps(found.as_json(), indent=2) if as_json else describe(found))


def describe(r: Result) -> str:
    parts = ", ".join(f"{name} {amount:,.2f}" for name, amount in r.parts.items())
    return "\n".join(
        [
            f"policy {r.policy}, seed {r.seed}: {r.arrivals:,} buyers in {r.seconds:.1f} s",
            f"logistics cost EUR {r.cost:,.2f} ({parts})",
            f"on time {r.on_time_share:.1%}, on spot {r.spot_share:.1%}, "
            f"unplanned {r.unplanned:,}, options per quote {r.options_per_quote:.2f}",
        ]
    )
