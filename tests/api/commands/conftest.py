"""Fixtures of the commands' tests: the customs test world and its order documents
(tests/routing/customs/conftest.py makes them), and the `glocal` command run as a user
runs it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from tests.routing.customs.conftest import WORLD, order_document


@pytest.fixture(scope="session")
def world_dir() -> Path:
    return WORLD


@pytest.fixture(scope="session")
def make_document() -> Callable[..., dict[str, Any]]:
    return order_document


@pytest.fixture
def run_glocal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """Run the installed `glocal` command's entry point (api.cli:main) in this process, as
    a shell would run `glocal ARGS...`: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["glocal", *args])
        with pytest.raises(SystemExit) as end:
            main()
        printed = capsys.readouterr()
        code = end.value.code
        return (0 if code is None else int(code)), printed.out, printed.err

    return run
