"""How glocal is built (the metadata is in pyproject.toml).

With `GLOCAL_MYPYC=1` the build backend also compiles the quote path's hot modules
(`[tool.glocal] compiled` in pyproject.toml) into C extensions with mypyc, as black and
mypy build their wheels: `make run` serves such a build (build/release). Without it, and
in a development install (`pip install -e .`), glocal runs from its sources. Compiled,
a quote takes about a third fewer instructions, with the same answers
(tests/test_compiled_core.py compares them).

The wheel carries the default world (`data/`) as `carriers/data/`, where
`carriers.registry.DEFAULT_WORLD` finds it when there is no checkout around.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import find_namespace_packages, find_packages, setup

ROOT = Path(__file__).resolve().parent
WORLD = ["carriers.data", *(f"carriers.data.{p}" for p in find_namespace_packages("data"))]


def compiled_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [m.replace(".", "/") + ".py" for m in config["tool"]["glocal"]["compiled"]]


def extensions() -> list:
    if os.environ.get("GLOCAL_MYPYC") != "1":
        return []
    from mypyc.build import mypycify  # a build requirement (pyproject.toml)

    return mypycify(compiled_modules(), opt_level="3")


setup(
    packages=[
        *find_packages(include=["carriers*", "routing*", "api*"]),
        *find_namespace_packages(include=["api.store.migrations*"]),  # Alembic's scripts
        *WORLD,
    ],
    package_dir={"carriers.data": "data"},
    package_data={
        "api.store.migrations": ["*.mako"],
        # the console's pages and static files (the vendored libraries with their licences)
        "api.console": ["templates/*.html", "static/*.*", "static/vendor/**/*"],
        **{package: ["*.csv", "*.toml", "*.md"] for package in WORLD},
    },
    ext_modules=extensions(),
)
