"""routing/promise/checked.py: a model document from outside is read only when every part
of it holds, and each problem names its field."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from carriers.errors import InvalidRule
from routing.promise.checked import checked_model, document_problems
from routing.promise.learned import LearnParams, fit_model
from routing.promise.quantiles import BoostParams
from tests.routing.promise.conftest import synthetic


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    model = fit_model(synthetic(600), LearnParams(boost=BoostParams(trees=10)))
    return json.loads(json.dumps(model.as_dict()))


def changed(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    *parents, last = path.split(".")
    holder = doc
    for p in parents:
        holder = holder[p]
    holder[last] = value
    return doc


def test_a_model_glocal_wrote_is_read_whole(document: dict[str, Any]) -> None:
    model = checked_model(document)
    assert model.levels == tuple(document["params"]["levels"])
    assert document_problems(document) == []


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("format", "other/1", "format"),
        ("params.levels", [0.5, 0.9], "params.levels"),
        ("params.levels", [0.9, 0.5, 0.95], "params.levels"),
        ("params.segment_by", ["colour"], "params.segment_by"),
        ("vocabulary.mode", [1, 2], "vocabulary.mode"),
        ("quantiles.levels", [0.5], "quantiles.levels"),
        ("quantiles.boosters", ["tree"], "quantiles.boosters"),
        ("conformal.alpha", [0.1], "conformal.alpha"),
        ("conformal.scores", [[1.0]], "conformal.scores"),
        ("conformal.keys", [["a"]], "conformal.keys"),
        ("conformal.delivered", [1.0], "conformal.delivered"),
        ("n_seen", "many", "n_seen"),
    ],
)
def test_each_broken_part_is_named(
    document: dict[str, Any], path: str, value: Any, field: str
) -> None:
    with pytest.raises(InvalidRule) as raised:
        checked_model(changed(document, path, value), "upload")
    assert field in [p.field for p in raised.value.problems]
    assert all(p.where == "upload" for p in raised.value.problems)


def test_a_booster_lightgbm_cannot_read_or_that_reads_other_features_is_named(
    document: dict[str, Any],
) -> None:
    boosters = list(document["quantiles"]["boosters"])
    boosters[2] = "tree\nversion=v4\nnum_class=1\n"
    problems = document_problems(changed(document, "quantiles.boosters", boosters))
    assert [p.field for p in problems] == ["quantiles.boosters[2]"]
    assert document_problems([1, 2])[0].field == "(root)"
