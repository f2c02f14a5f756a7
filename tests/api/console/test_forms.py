"""api/console/forms.py: an upload form's options and file, or a 422 naming the field."""

from __future__ import annotations

import asyncio
import io

import pytest
from starlette.datastructures import FormData, Headers, UploadFile

from api.console.forms import options_of, uploaded
from api.jobs.options import PlanOptions
from api.problems import ProblemError


def test_options_are_read_or_the_wrong_field_is_named() -> None:
    assert options_of(PlanOptions, {"horizon_days": "7"}).horizon_days == 7
    with pytest.raises(ProblemError) as found:
        options_of(PlanOptions, {"horizon_days": "soon"})
    assert found.value.status == 422 and "horizon_days" in found.value.detail


def test_the_file_and_its_format_by_name() -> None:
    def form(name: str) -> FormData:
        upload = UploadFile(io.BytesIO(b"a,b\n"), filename=name, headers=Headers())
        return FormData([("orders", upload)])

    assert asyncio.run(uploaded(form("week.CSV"), "orders", "an orders file")) == (b"a,b\n", "csv")
    assert asyncio.run(uploaded(form("week.pq"), "orders", "an orders file"))[1] == "parquet"
    with pytest.raises(ProblemError) as found:
        asyncio.run(uploaded(FormData([]), "orders", "an orders file"))
    assert found.value.status == 422 and "choose an orders file" in found.value.detail
