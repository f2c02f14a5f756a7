"""The compiled core: the quote path's hot modules built with mypyc into C extensions.

`make install` builds them (`carriers.compiled.main`) into `build/compiled/`, with a
manifest of the sources they were built from. On import, `carriers` (the lowest package,
imported before any module of the core) loads the extensions instead of the sources only
when every source of `carriers` and `routing` still matches its manifest hash, for this
Python; otherwise (a source edited since, no C compiler,
`GLOCAL_COMPILED=0`) the whole core runs from source. All or nothing: compiled modules
call each other directly, so a stale one cannot be mixed with fresh ones. The extensions
live outside the source tree, so an edited `.py` is never shadowed by an old build.

Why: a quote runs some 150 small Python functions; compiled, it takes about a third fewer
instructions, with the same answers (tests/routing/test_compiled.py compares quotes).
`STATUS` says which core is running; the benchmarks print it.

Values travel to Dask workers by pickle, and a frozen dataclass compiled by mypyc cannot
be unpickled field by field. A module of the core registers its frozen classes with
`pickled_by_fields` (`carriers.money`, `routing.orders`); modules that have not are kept
out (the compiled network's `LaneTable`, `carriers.model`).
"""

from __future__ import annotations

import copyreg
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import fields
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "compiled"
MANIFEST = "manifest.json"

MODULES = (
    "carriers.money",
    "routing.orders",
    "routing.quote.order_lanes",
    "routing.quote.search",
    "routing.quote.engine",
    "routing.quote.records",
    "routing.promise.engine",
    "routing.promise.legs",
    "routing.cache",
    "routing.quote.localize",
    "routing.quote.emissions",
    "routing.customs.assess",
    "routing.customs.case",
    "routing.customs.checks",
    "routing.customs.landed",
    "routing.customs.lines",
    "routing.customs.routes",
    "routing.customs.rules",
    "routing.customs.screen",
    "routing.customs.shipment",
    "routing.customs.schemes.br",
    "routing.customs.schemes.cn",
    "routing.customs.schemes.eaeu",
    "routing.customs.schemes.idn",
    "routing.customs.schemes.us",
    "routing.customs.schemes.vat_import",
)

STATUS = "source: not activated"


def pickled_by_fields(*classes: type) -> None:
    """Pickle (and copy) these frozen dataclasses as their class called with their fields,
    in order: compiled or not, a value comes back whole."""
    for cls in classes:
        copyreg.pickle(cls, _by_fields)


def _by_fields(value: Any) -> tuple[type, tuple[Any, ...]]:
    return type(value), tuple(getattr(value, f.name) for f in fields(value))


def source_of(module: str) -> Path:
    return ROOT.joinpath(*module.split(".")).with_suffix(".py")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the compiled core's modules (and mypyc's shared library) in the build."""

    def __init__(self, extensions: dict[str, Path]) -> None:
        self.extensions = extensions

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        found = self.extensions.get(fullname)
        if found is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(found))
        return importlib.util.spec_from_file_location(fullname, found, loader=loader)


def activate() -> str:
    """Load the compiled core from now on if the build matches the sources; the status."""
    global STATUS
    if any(isinstance(f, _Finder) for f in sys.meta_path):
        return STATUS
    STATUS, manifest = _check()
    if manifest is not None:
        extensions = {m: _extension(m) for m in MODULES}
        extensions[manifest["library"]] = BUILD / manifest["library_file"]
        sys.meta_path.insert(0, _Finder(extensions))
    return STATUS


def _extension(module: str) -> Path:
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    return BUILD.joinpath(*module.split(".")).with_name(module.rsplit(".", 1)[-1] + suffix)


def _inputs() -> dict[str, str]:
    """Every source the core was typed against (the project's carriers and routing), by
    path: a change anywhere in them can change what mypyc compiled."""
    files = sorted([*ROOT.glob("carriers/**/*.py"), *ROOT.glob("routing/**/*.py")])
    return {str(p.relative_to(ROOT)): digest(p) for p in files}


def _check() -> tuple[str, dict[str, Any] | None]:
    """('compiled (N modules)', the build's manifest) or ('source: <why>', None)."""
    if os.environ.get("GLOCAL_COMPILED", "1") == "0":
        return "source: GLOCAL_COMPILED=0", None
    try:
        manifest = json.loads((BUILD / MANIFEST).read_text())
    except (OSError, ValueError):
        return "source: no compiled build (make install builds one)", None
    if manifest.get("cache_tag") != sys.implementation.cache_tag:
        return f"source: the build is for {manifest.get('cache_tag')}", None
    if manifest.get("modules") != list(MODULES):
        return "source: the build has other modules", None
    built, now = manifest.get("inputs", {}), _inputs()
    changed = sorted(set(built) ^ set(now) | {p for p in now if built.get(p) != now[p]})
    if changed:
        return f"source: {changed[0]} changed since the build (make install rebuilds it)", None
    if not all(_extension(m).exists() for m in MODULES):
        return "source: the build is incomplete", None
    return f"compiled ({len(MODULES)} modules)", manifest


def build() -> None:
    """Compile the core into a fresh directory, then put it in place of the old build."""
    from mypyc.build import mypycify
    from setuptools import Distribution

    inputs = _inputs()  # as compiled, not as edited during the build
    staging, c_dir = BUILD.with_name("compiled.new"), BUILD.with_name("compiled-c")
    shutil.rmtree(staging, ignore_errors=True)
    os.chdir(ROOT)  # mypyc names modules by their paths from here
    extensions = mypycify(
        [str(source_of(m).relative_to(ROOT)) for m in MODULES], target_dir=str(c_dir)
    )
    dist = Distribution({"name": "glocal-compiled-core", "ext_modules": extensions})
    command = dist.get_command_obj("build_ext")
    command.build_lib = str(staging)
    command.build_temp = str(c_dir / "temp")
    dist.run_command("build_ext")
    library = next(p for p in staging.iterdir() if p.is_file() and "__mypyc" in p.name)
    manifest = {
        "cache_tag": sys.implementation.cache_tag,
        "library": library.name.split(".")[0],
        "library_file": library.name,
        "modules": list(MODULES),
        "inputs": inputs,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1))
    shutil.rmtree(BUILD, ignore_errors=True)
    staging.rename(BUILD)


def main() -> None:
    try:
        build()
    except Exception as exc:  # no compiler, no headers: glocal still runs, from source
        print(f"warning: the compiled core was not built ({exc}); running from source")
        return
    print(f"compiled core built in {BUILD.relative_to(ROOT)}: {len(MODULES)} modules")
