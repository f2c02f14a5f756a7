"""What the loaded network holds (`GET /v1/network`, `GET /v1/carriers`, `glocal network
summary --json`): the models that declare it (`api.schemas.bodies` writes them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from carriers.model import Mode


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
