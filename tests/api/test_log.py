"""api/log.py: one JSON object per log line, with the request's id and the call's extra
fields, and anything shaped like an API key masked before it is written."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from api.auth import new_key
from api.log import REQUEST_ID, JsonFormatter, log_config, redact


def record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.getLogger("glocal.test").makeRecord(
        "glocal.test", logging.WARNING, __file__, 1, msg, args, None, extra=extra
    )
    made.created = 1_700_000_000.5  # 2023-11-14 22:13:20.5 UTC
    return made


def test_redact_masks_the_secret_and_keeps_the_key_id() -> None:
    """`glocal_<id>_<secret>` reads `glocal_<id>_***`; other text is left as it is."""
    line = "key glocal_0a1b2c_Zx-9_q8 refused; glocal is fine, so is glocal_xyz_abc"
    assert redact(line) == "key glocal_0a1b2c_*** refused; glocal is fine, so is glocal_xyz_abc"


@given(before=st.text(), after=st.text())
def test_no_real_key_survives_redaction_whatever_surrounds_it(before: str, after: str) -> None:
    """A key made by `new_key`, in any text: its secret is gone from the redacted text."""
    key = new_key("log", ["quote"]).key
    secret = key.split("_", 2)[2]
    assert secret not in redact(before + key + after)


@given(st.text().filter(lambda s: "glocal_" not in s))
def test_text_without_a_key_is_unchanged(text: str) -> None:
    """Redaction touches nothing but key-shaped strings."""
    assert redact(text) == text


def test_a_line_is_one_json_object_with_time_level_logger_message_and_extras() -> None:
    """Fixed time 1,700,000,000.5 s: its UTC ISO form to the millisecond; the message with
    its arguments; extras as members, those JSON cannot hold as text."""
    line = JsonFormatter().format(record("quoted %d options", 3, market="ES", day=date(2026, 1, 2)))
    assert "\n" not in line
    assert json.loads(line) == {
        "ts": "2023-11-14T22:13:20.500+00:00",
        "level": "WARNING",
        "logger": "glocal.test",
        "msg": "quoted 3 options",
        "market": "ES",
        "day": "2026-01-02",
    }


def test_a_line_written_while_serving_a_request_carries_its_id() -> None:
    """With the request id set, the line has it; once reset, lines have none."""
    token = REQUEST_ID.set("req-42")
    try:
        inside = json.loads(JsonFormatter().format(record("hello")))
    finally:
        REQUEST_ID.reset(token)
    outside = json.loads(JsonFormatter().format(record("hello")))
    assert inside["request_id"] == "req-42" and "request_id" not in outside


def test_a_key_in_a_message_an_extra_or_a_traceback_is_masked() -> None:
    """Wherever the key is in the line, only its id is written."""
    key = new_key("log", ["quote"]).key
    secret = key.split("_", 2)[2]
    try:
        raise ValueError(f"bad key {key}")
    except ValueError:
        failed = record("auth failed for %s", key, presented=key)
        failed.exc_info = sys.exc_info()
    line = JsonFormatter().format(failed)
    assert secret not in line
    parsed = json.loads(line)
    key_id = key.split("_")[1]
    assert parsed["presented"] == f"glocal_{key_id}_***"
    assert parsed["msg"] == f"auth failed for glocal_{key_id}_***"
    assert "ValueError: bad key glocal_" in parsed["exc"]


def test_the_config_writes_json_lines_for_glocal_and_uvicorn_and_drops_access_lines() -> None:
    """Both loggers at the level asked (any case), on stderr in JSON, not passed up to the
    root; uvicorn's own access lines are dropped (the middleware writes them)."""
    config = log_config("debug")
    assert config["formatters"]["json"]["()"] is JsonFormatter
    assert config["handlers"]["stderr"]["stream"] == "ext://sys.stderr"
    loggers = config["loggers"]
    for name in ("glocal", "uvicorn"):
        assert loggers[name] == {"handlers": ["stderr"], "level": "DEBUG", "propagate": False}
    assert loggers["uvicorn.access"]["handlers"] == []
    assert loggers["uvicorn.access"]["level"] == "WARNING"
