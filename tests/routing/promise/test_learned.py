"""The learned promise: fit, append against a full refit (the tolerance in docs/promise.md),
save and load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from carriers.errors import InvalidHistory, InvalidRule
from routing.promise.learned import LearnParams, PromiseModel, fit_model
from routing.promise.online import evaluate_model
from routing.promise.quantiles import BoostParams
from tests.routing.promise.conftest import synthetic

FAST = LearnParams(boost=BoostParams(trees=40))


@pytest.mark.parametrize("seed", [0, 1])
def test_append_equals_a_full_refit_up_to_the_documented_tolerance(seed: int) -> None:
    """On a stationary history, fitting 1,000 shipments and appending 500 promises P95
    within 10 % (mean relative) of a refit on all 1,500, and covers fresh shipments within
    2 points of it."""
    h = synthetic(1500, seed=seed)
    appended = fit_model(h.take(np.arange(1000)), FAST).appended(h.take(np.arange(1000, 1500)))
    refit = fit_model(h, FAST)
    probe = synthetic(400, seed=50 + seed)
    i = appended.levels.index(0.95)
    a, b = appended.promise_days(probe)[:, i], refit.promise_days(probe)[:, i]
    assert np.mean(np.abs(a - b) / np.maximum(b, 1.0)) <= 0.10
    for q in (0.9, 0.95):
        gap = evaluate_model(appended, probe).coverage(q) - evaluate_model(refit, probe).coverage(q)
        assert abs(gap) <= 0.02
    assert appended.n_seen == 250 + 500  # the recent quarter of the fit, then the new


def test_append_leaves_the_model_it_came_from_as_it_was() -> None:
    """A server swaps models by reference: the old one must not move under its readers."""
    h = synthetic(800)
    model = fit_model(h.take(np.arange(600)), FAST)
    before = model.promise_days(h.take(np.arange(600, 650)))
    model.appended(synthetic(400, seed=9, slower_from=0))
    assert np.array_equal(model.promise_days(h.take(np.arange(600, 650))), before)


def test_promises_rise_with_the_level_and_separate_the_modes(history) -> None:
    model = fit_model(history, FAST)
    days = model.promise_days(history.take(np.arange(200)))
    assert (np.diff(days, axis=1) >= 0).all()
    air = history.mode[:200] == "air"
    p50 = days[:, model.levels.index(0.5)]
    assert p50[air].mean() < 10 < p50[~air].mean()
    assert model.knows("air", "ES") and not model.knows("rail", "ES")


def test_save_and_load_give_the_same_promises(tmp_path: Path, history) -> None:
    model = fit_model(history, FAST)
    path = tmp_path / "promise-model.json"
    model.save(path)
    again = PromiseModel.load(path)
    probe = history.take(np.arange(100))
    assert np.array_equal(again.promise_days(probe), model.promise_days(probe))
    assert [p.name for p in tmp_path.iterdir()] == ["promise-model.json"]  # no temporary left


def test_too_short_a_history_is_refused_by_name() -> None:
    with pytest.raises(InvalidHistory, match="synthetic: 20 shipments, fewer than the 40"):
        fit_model(synthetic(20), FAST)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "not a glocal promise model"),
        ('{"format": "glocal-promise-model/1", "params": {}}', "a bad field"),
        ("{not json", "not a promise model"),
    ],
)
def test_a_broken_model_file_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(InvalidRule, match=message):
        PromiseModel.load(path)


def test_a_corrupt_booster_is_named(tmp_path: Path, history) -> None:
    data = fit_model(synthetic(200), FAST).as_dict()
    data["quantiles"]["boosters"][0] = "garbage"  # type: ignore[index]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InvalidRule, match=r"quantiles\.boosters"):
        PromiseModel.load(path)


def test_params_refuse_values_out_of_range() -> None:
    with pytest.raises(ValueError, match="segment_by must be among"):
        LearnParams(segment_by=("colour",))
    with pytest.raises(ValueError, match="fit_share"):
        LearnParams(fit_share=1.0)


def test_from_schedule_starts_a_scheduled_shipment_at_its_schedule() -> None:
    """With `from_schedule`, a scheduled shipment's base is 0 days from its schedule at
    every level and the boosters serve the rest; the choice and a shared budget survive a
    save and a load."""
    from dataclasses import replace

    from routing.promise.conformal import ConformalParams

    h = synthetic(600)
    promised = h.shipped + np.where(np.arange(600) % 2 == 0, 7.0, np.nan) * 1440
    h = replace(h, promised=promised, shipper=np.where(np.arange(600) % 3 == 0, "A", "B"))
    params = LearnParams(
        boost=BoostParams(trees=10),
        segment_by=("shipper", "destination"),
        from_schedule=True,
        conformal=ConformalParams(min_scores=10, budget_from=0.9),
    )
    model = fit_model(h, params)
    base = model.base_days(h)
    scheduled = ~np.isnan(promised)
    assert (base[scheduled] == 0).all() and (base[~scheduled] > 0).all()
    again = PromiseModel.from_dict(json.loads(json.dumps(model.as_dict())))
    assert again.params == model.params
    assert np.array_equal(again.promise_days(h), model.promise_days(h))
