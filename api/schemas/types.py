"""The value types the JSON shapes share: amounts as decimal strings, ISO codes, dates."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

Decimal = Annotated[str, Field(pattern=r"^-?\d+(\.\d+)?$", examples=["12.34"])]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", examples=["ES"])]
IsoDate = Annotated[str, Field(json_schema_extra={"format": "date"}, examples=["2026-12-03"])]
IsoDateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Positive = Annotated[float, Field(gt=0)]
