"""The live promise model (`POST /v1/promise-calibrations`, `GET .../current`): the model
that declares the answer (`api.schemas.bodies.calibration_body` writes it)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.types import IsoDateTime


class PromiseCalibration(BaseModel):
    """A learned promise model the server serves: quotes and promises on the lanes it
    knows (`modes` x `destinations`) take their dates from it, the others from the
    schedule-based engine."""

    id: str = Field(description="The model's id (a digest of its document), as quotes name it.")
    version: int = Field(description="The store's calibration number; the highest is live.")
    posted_at: IsoDateTime
    posted_by: str = Field(description="The key id that posted it.")
    bytes: int
    levels: list[float] = Field(description="The promised levels the model holds.")
    adaptive_levels: list[float] = Field(
        description="Per level, the level the conformal layer now aims at (1 - a_t)."
    )
    n_fit: int = Field(description="Shipments the quantile boosters were trained on.")
    n_seen: int = Field(description="Shipments the conformal layer has absorbed.")
    modes: list[str]
    origins: list[str]
    destinations: list[str]
