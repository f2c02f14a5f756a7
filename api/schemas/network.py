"""What the loaded network holds (`GET /v1/network`, `GET /v1/carriers`, `glocal network
summary --json`): the models that document it, and the writers of its summary and
carriers."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from carriers.model import Mode
from routing.network import Network
from routing.network.summary import Summary


class NetworkSummary(BaseModel):
    """Counts of the loaded network, and what each origin reaches by which modes."""

    network: str | None
    nodes: int
    services: int
    carriers: int
    nodes_by_kind: dict[str, int]
    services_by_mode: dict[str, int]
    services_by_carrier: dict[str, int]
    origins: list[str]
    destination_countries: list[str]
    modes: list[str]
    reach: dict[str, dict[str, list[str]]]


class ServiceOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    name: str
    from_: str = Field(alias="from")
    to: str
    mode: Mode


class CarrierOut(BaseModel):
    id: str
    name: str
    services: list[ServiceOut]


class CarriersResponse(BaseModel):
    carriers: list[CarrierOut]


def summary_body(summary: Summary, network: str | None) -> dict[str, Any]:
    """The summary as `NetworkSummary` describes it, naming the network as `network`
    (the API gives the directory's name, not where it lies on the server)."""
    figures = asdict(summary)
    del figures["source"]
    return {"network": network, **figures}


def carriers_body(network: Network) -> dict[str, Any]:
    """Every carrier of the network with its services, as `CarriersResponse` describes."""
    by_carrier: dict[str, list[dict[str, Any]]] = {c: [] for c in network.carrier_names}
    for s in sorted(network.services, key=lambda s: s.id):
        by_carrier.setdefault(s.carrier, []).append(
            {"id": s.id, "name": s.name, "from": s.from_node, "to": s.to_node, "mode": s.mode}
        )
    carriers = [
        {"id": c, "name": network.carrier_names.get(c, c), "services": services}
        for c, services in sorted(by_carrier.items())
    ]
    return {"carriers": carriers}
