"""The tiny handmade Renault instance of tests/data/renault_tiny."""

from pathlib import Path

import pytest

from routing.design.renault.instance import Instance
from routing.design.renault.read import read_instance

TINY = Path(__file__).resolve().parents[3] / "data" / "renault_tiny"


@pytest.fixture(scope="session")
def tiny() -> Instance:
    return read_instance(TINY)
