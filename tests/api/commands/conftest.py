"""Fixtures of the commands' tests: the customs test world and its order documents
(tests/routing/customs/conftest.py makes them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.routing.customs.conftest import WORLD, order_document


@pytest.fixture(scope="session")
def world_dir() -> Path:
    return WORLD


@pytest.fixture(scope="session")
def make_document() -> Callable[..., dict[str, Any]]:
    return order_document
