"""Reading an instance directory."""

from pathlib import Path

import pytest

from carriers.errors import GlocalError
from routing.design.renault.read import files, read_instance

from .conftest import TINY


def test_the_files_of_a_directory_are_found_by_part() -> None:
    assert sorted(files(TINY)) == ["commodities", "legs", "nodes", "routes"]
    assert len(read_instance(TINY).points) == 5


def test_a_directory_without_the_instance_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(GlocalError, match="nodes"):
        files(tmp_path)
