"""What the console's upload forms share: their options read into a job's options model
(a 422 naming the field that is wrong) and the uploaded file with its format."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from api.problems import ProblemError, field_path
from carriers.errors import Problem

Options = TypeVar("Options", bound=BaseModel)


def options_of(model: type[Options], values: dict[str, Any]) -> Options:
    """`values` as the options model, or a 422 listing each field it refuses."""
    try:
        return model(**values)
    except ValidationError as exc:
        found = [Problem("form", field_path(e["loc"]), e["msg"]) for e in exc.errors()]
        detail = "; ".join(f"{p.field}: {p.message}" for p in found)
        raise ProblemError(422, "invalid_request", detail, errors=found) from None


async def uploaded(form: FormData, field: str, what: str) -> tuple[bytes, str]:
    """The file of the form's `field` and its format by its name (.parquet or .pq:
    parquet, else CSV); a 422 asking for `what` when none was chosen."""
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        problem = Problem("form", field, f"choose {what} (CSV or Parquet)")
        raise ProblemError(422, "invalid_request", problem.message, errors=[problem])
    name = upload.filename.lower()
    body = await upload.read()
    return body, "parquet" if name.endswith((".parquet", ".pq")) else "csv"
