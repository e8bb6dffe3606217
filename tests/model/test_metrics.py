"""Decision quality figures of model/metrics.py, against values worked out by hand."""

import numpy as np
import pytest

from kdoffload.model import oracle
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decoding import argmax_placements
from kdoffload.model.delay import delays
from kdoffload.model.features import build_features
from kdoffload.model.metrics import argmax_and_topk, delay_ratio, policy_metrics, ratio_metrics
from tests.conftest import states_for


def solved(profile, count: int, seed: int) -> Demonstrations:
    states = states_for(profile, count, seed)
    labels, optimal = oracle.solve(profile, states)
    return Demonstrations(profile, states, build_features(profile, states), labels.astype(np.int8),
                          optimal, {"seed": seed})


@pytest.fixture(scope="module")
def demos(chain6):
    return solved(chain6, 120, 21)


def test_ratio_metrics_by_hand():
    ratio = np.array([3.0, 1.0, 1.005, 1.5, 1.0])
    m = ratio_metrics(ratio)
    assert m["mean_ratio"] == pytest.approx(7.505 / 5)
    assert m["median_ratio"] == pytest.approx(1.005)
    # numpy's linear quantile over sorted [1, 1, 1.005, 1.5, 3]: position 0.95 * 4 = 3.8
    assert m["p95_ratio"] == pytest.approx(1.5 + 0.8 * 1.5)
    assert m["p99_ratio"] == pytest.approx(1.5 + 0.96 * 1.5)
    assert m["within_1pct"] == pytest.approx(3 / 5)
    assert m["beyond_2x"] == pytest.approx(1 / 5)
    # floor(5 * 0.99) = 4 kept: the worst (3.0) goes
    assert m["mean_ratio_without_worst_1pct"] == pytest.approx((1 + 1 + 1.005 + 1.5) / 4)


def test_ratio_metrics_boundaries_and_tail():
    # 1.01 is within 1%, 2.0 is not beyond 2x
    m = ratio_metrics(np.array([1.01, 2.0]))
    assert m["within_1pct"] == 0.5 and m["beyond_2x"] == 0.0
    # 200 states: the worst two (1%) leave the trimmed mean
    ratio = np.concatenate([np.full(198, 1.0), [50.0, 100.0]])
    m = ratio_metrics(ratio)
    assert m["mean_ratio"] == pytest.approx((198 + 150) / 200)
    assert m["mean_ratio_without_worst_1pct"] == 1.0
    # one state: nothing is trimmed
    assert ratio_metrics(np.array([1.7]))["mean_ratio_without_worst_1pct"] == pytest.approx(1.7)


def test_delay_ratio(demos, chain6):
    np.testing.assert_array_equal(delay_ratio(demos, demos.labels), np.ones(len(demos)))
    local = np.zeros_like(demos.labels)
    ratio = delay_ratio(demos, local)
    np.testing.assert_allclose(ratio, delays(chain6, demos.states, local) / demos.optimal_delay)
    assert (ratio >= 1).all() and (ratio > 1).any()
    rows = np.array([3, 17, 40])
    np.testing.assert_array_equal(delay_ratio(demos, local[rows], rows), ratio[rows])


def test_policy_metrics_by_hand(chain6):
    states = states_for(chain6, 3, 4)
    # Labels stand in for x*: the metrics only compare placements with them.
    labels = np.array([[0] * 6, [1] * 6, [0] * 6], dtype=np.int8)
    demos = Demonstrations(chain6, states, build_features(chain6, states), labels,
                           delays(chain6, states, labels), {})
    placements = labels.copy()
    placements[1, 3] = 2
    m, ratio = policy_metrics(chain6, demos, placements)
    cost = delays(chain6, states, placements)
    assert m["mean_delay_s"] == pytest.approx(cost.mean())
    np.testing.assert_allclose(ratio, [1.0, cost[1] / demos.optimal_delay[1], 1.0])
    assert m["mean_ratio"] == pytest.approx(ratio.mean())
    assert m["label_accuracy"] == pytest.approx(17 / 18)
    assert m["label_accuracy_by_label"] == {"local": 1.0, "edge": pytest.approx(5 / 6), "cloud": None}
    assert m["exact_match"] == pytest.approx(2 / 3)


def test_argmax_and_topk(demos, chain6):
    logits = np.random.default_rng(8).normal(size=(len(demos), chain6.n, 3))
    keys = ("mean_ratio", "exact_match")
    out = argmax_and_topk(chain6, demos, logits, keys, k=8)
    assert set(out) == {"argmax", "top8"} and set(out["argmax"]) == set(keys)
    plain, _ = policy_metrics(chain6, demos, argmax_placements(logits))
    assert out["argmax"] == {key: plain[key] for key in keys}
    # Verified top-k contains argmax as a candidate: it is never worse on any state.
    assert out["top8"]["mean_ratio"] <= out["argmax"]["mean_ratio"]
    assert out["top8"]["mean_ratio"] < out["argmax"]["mean_ratio"]  # random logits: strictly, here
    assert set(argmax_and_topk(chain6, demos, logits, keys, k=2)) == {"argmax", "top2"}
