"""A learned promise model read from a document someone sent (a server's upload, a watched
file), checked field by field before anything uses it.

    model = checked_model(document, source)   # PromiseModel, or InvalidRule listing problems

`PromiseModel.from_dict` reads a file glocal wrote; this reads one that anybody wrote: every
problem is a `Problem` whose field is a path into the document (`params.levels`,
`quantiles.boosters[3]`, `conformal.scores`), the parts must agree with one another (one
booster per level, scores of every level, segment keys as deep as `segment_by`), the
levels must hold the ones a quote states (P50, P90, P95), and each booster must read the
features a quote gives. A document that fails is never half-used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import lightgbm as lgb
import numpy as np

from carriers.errors import InvalidRule, Problem
from routing.promise import features as ft
from routing.promise.engine import STANDARD
from routing.promise.learned import FORMAT, PromiseModel


def checked_model(document: Any, source: str = "model") -> PromiseModel:
    """The model the document holds, or InvalidRule with every problem found, by field."""
    problems = document_problems(document, source)
    if problems:
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
        raise InvalidRule(f"{source}: not a usable promise model: {detail}", tuple(problems))
    try:
        return PromiseModel.from_dict(document, source)
    except InvalidRule as exc:
        raise InvalidRule(exc.message, (Problem(source, "(model)", exc.message),)) from None


def document_problems(document: Any, source: str = "model") -> list[Problem]:
    """Every problem of the document, by field path (empty: `from_dict` can read it)."""
    out: list[Problem] = []

    def bad(field: str, message: str) -> None:
        out.append(Problem(source, field, message))

    if not isinstance(document, Mapping):
        bad("(root)", "a promise model is a JSON object (`glocal promise calibrate --model`)")
        return out
    if document.get("format") != FORMAT:
        bad("format", f"must be {FORMAT!r}, got {document.get('format')!r}")
        return out
    levels = _levels(document.get("params"), bad)
    _vocabulary(document.get("vocabulary"), bad)
    depth = _depth(document.get("params"))
    if levels is not None:
        _quantiles(document.get("quantiles"), levels, bad)
        _conformal(document.get("conformal"), levels, depth, bad)
    for name in ("n_fit", "n_seen"):
        value = document.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            bad(name, f"must be a whole number >= 0, got {value!r}")
    return out


def _levels(params: Any, bad: Any) -> list[float] | None:
    if not isinstance(params, Mapping):
        bad("params", "must be an object")
        return None
    levels = params.get("levels")
    if not _numbers(levels) or not levels:
        bad("params.levels", "must be a list of numbers")
        return None
    if any(not 0 < q < 1 for q in levels) or sorted(set(levels)) != list(levels):
        bad("params.levels", f"must rise strictly within (0, 1), got {levels}")
        return None
    missing = [q for q in STANDARD if q not in levels]
    if missing:
        bad("params.levels", f"must hold the levels a quote states {STANDARD}, lacks {missing}")
    segment_by = params.get("segment_by")
    if not isinstance(segment_by, list) or not set(segment_by) <= set(ft.SEGMENTABLE):
        bad("params.segment_by", f"must be a list among {ft.SEGMENTABLE}, got {segment_by!r}")
    for name in ("boost", "conformal"):
        if not isinstance(params.get(name), Mapping):
            bad(f"params.{name}", "must be an object")
    return [float(q) for q in levels]


def _depth(params: Any) -> int | None:
    if isinstance(params, Mapping) and isinstance(params.get("segment_by"), list):
        return len(params["segment_by"]) + 1
    return None


def _vocabulary(vocabulary: Any, bad: Any) -> None:
    if not isinstance(vocabulary, Mapping):
        bad("vocabulary", "must be an object of lists of values")
        return
    for name in ft.CATEGORICAL:
        values = vocabulary.get(name, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            bad(f"vocabulary.{name}", "must be a list of strings")


def _quantiles(quantiles: Any, levels: list[float], bad: Any) -> None:
    if not isinstance(quantiles, Mapping):
        bad("quantiles", "must be an object")
        return
    if quantiles.get("levels") != levels:
        bad("quantiles.levels", f"must equal params.levels {levels}")
    boosters = quantiles.get("boosters")
    if not isinstance(boosters, list) or len(boosters) != len(levels):
        bad("quantiles.boosters", f"must be a list of {len(levels)} boosters, one per level")
        return
    for i, text in enumerate(boosters):
        problem = _booster_problem(text)
        if problem:
            bad(f"quantiles.boosters[{i}]", problem)


def _booster_problem(text: Any) -> str | None:
    """Why a booster's text cannot serve a quote, or None."""
    if not isinstance(text, str) or not text.startswith("tree"):
        return "must be a LightGBM model as text (`Booster.model_to_string`)"
    try:
        booster = lgb.Booster(model_str=text)
        booster.predict(np.full((1, len(ft.NAMES)), np.nan), num_threads=1)
    except Exception as exc:  # LightGBM's own error (its class is not public API)
        if type(exc).__name__ != "LightGBMError":
            raise
        return f"LightGBM cannot read it: {str(exc)[:200]}"
    if booster.num_feature() != len(ft.NAMES):
        return f"must read {len(ft.NAMES)} features {ft.NAMES}, reads {booster.num_feature()}"
    return None


def _conformal(conformal: Any, levels: list[float], depth: int | None, bad: Any) -> None:
    if not isinstance(conformal, Mapping):
        bad("conformal", "must be an object")
        return
    if conformal.get("levels") != levels:
        bad("conformal.levels", f"must equal params.levels {levels}")
    if not isinstance(conformal.get("params"), Mapping):
        bad("conformal.params", "must be an object")
    alpha: Any = conformal.get("alpha")
    if not _numbers(alpha) or len(alpha) != len(levels) or not np.isfinite(alpha).all():
        bad("conformal.alpha", f"must be {len(levels)} finite numbers, one per level")
    n = _table(conformal.get("scores"), len(levels), "conformal.scores", bad)
    keys = conformal.get("keys")
    if not isinstance(keys, list) or not all(
        isinstance(row, list)
        and (depth is None or len(row) == depth)
        and all(isinstance(k, str) for k in row)
        for row in keys
    ):
        bad("conformal.keys", f"must be lists of {depth} segment keys (strings), one per score")
    elif n is not None and len(keys) != n:
        bad("conformal.keys", f"must have one row per score ({n}), has {len(keys)}")
    delivered: Any = conformal.get("delivered")
    if not _numbers(delivered) or not np.isfinite(delivered).all():
        bad("conformal.delivered", "must be a list of finite numbers (UTC minutes)")
    elif n is not None and len(delivered) != n:
        bad("conformal.delivered", f"must have one time per score ({n}), has {len(delivered)}")


def _table(rows: Any, width: int, field: str, bad: Any) -> int | None:
    """The number of rows of a list of `width` finite numbers each, else None (reported)."""
    try:
        array = np.array(rows, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if (
        array is None
        or not isinstance(rows, list)
        or (len(rows) and (array.ndim != 2 or array.shape[1] != width))
        or not np.isfinite(array).all()
    ):
        bad(field, f"must be rows of {width} finite numbers, one per level")
        return None
    return len(rows)


def _numbers(values: Any) -> bool:
    return isinstance(values, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )
