"""Shared fixtures: small named networks under tests/data/, each with a README of why."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from routing.network import Network, load_network

DATA = Path(__file__).parent / "data"
# The fixtures' orders are dated in late 2026: the service's window around today (two years
# back by default) would refuse them from 2028 on, so the tests widen it (as far as the data
# covers); the window's own tests set it explicitly.
os.environ.setdefault("GLOCAL_DATES_BACK_DAYS", "3650")


@pytest.fixture(scope="session")
def tiny() -> Network:
    """One origin, a hub, two markets: a summary you can check on paper."""
    return load_network(DATA / "tiny")


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny network, for breaking one thing at a time."""
    target = tmp_path / "tiny"
    shutil.copytree(DATA / "tiny", target)
    return target


@pytest.fixture(scope="session")
def default_world() -> Network:
    """The embedded default world (data/), loaded once for the whole run."""
    return load_network()
