"""A SQLite database made unwritable for real, for the tests of the store's faults.

The tests run as root in CI, and permissions stop nothing for root: `chmod 0444` on the
file and 0555 on its directory leaves every write working. What does stop root is the
immutable attribute (`chattr +i`, on ext4, xfs, btrfs; setting it needs the
CAP_LINUX_IMMUTABLE capability): no write, not even through a descriptor opened before
(the store's pooled connections), and no new file in an immutable directory (no
journal). Another user cannot set it, and a user's chmod stops only new opens, so as
another user (or where chattr is refused) these tests are skipped, saying why.

SQLite's shared-memory index (`-shm`) is left alone: SQLite maps it into memory, and a
write to a mapped immutable file is a SIGBUS that would end the test process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """The file at `path` (a SQLite database, with its write-ahead log beside it; or no
    file yet) and its directory cannot be written until the block ends, then they can."""
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        pytest.skip("making an open file unwritable needs root and chattr (module docstring)")
    directory = path.parent
    targets = [str(p) for p in directory.glob(f"{path.name}*") if not p.name.endswith("-shm")]
    targets.append(str(directory))
    made = subprocess.run(["chattr", "+i", *targets], capture_output=True, text=True)
    if made.returncode != 0:
        subprocess.run(["chattr", "-i", *targets], capture_output=True)
        pytest.skip(f"chattr +i is refused here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *targets], check=True)
