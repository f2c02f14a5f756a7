"""Shared fixtures: small named networks under tests/data/, each with a README of why."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from routing.network import Network, load_network

DATA = Path(__file__).parent / "data"


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
