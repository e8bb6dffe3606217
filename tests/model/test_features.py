import numpy as np
import pytest

from kdoffload.model import oracle
from kdoffload.model.features import (Normalizer, build_features, feature_recipe, scale_augment,
                            scale_invariance_masks)
from kdoffload.model.profile import load_profile
from kdoffload.model.states import States
from tests.conftest import states_for


def _rescaled(states: States, a: np.ndarray, b: np.ndarray) -> States:
    """Work and sizes times a; times times a*b; clocks and rates divided by b."""
    out = states.to_dict()
    for key in ("cycles", "out_bits", "in_bits"):
        out[key] = out[key] * a[:, None]
    for key in ("edge_wait", "lat_wireless", "lat_backhaul"):
        out[key] = out[key] * a * b
    for key in ("f_device", "f_edge", "f_cloud", "rate_up", "rate_down", "rate_backhaul"):
        out[key] = out[key] / b
    return States(**out)


@pytest.mark.parametrize("name,count", [("chain6", 2000), ("dag10", 40)])
def test_the_two_scalings_keep_the_optimal_placement(name, count):
    profile = load_profile(name)
    states = states_for(profile, count, seed=12)
    rng = np.random.default_rng(0)
    a, b = np.exp(rng.uniform(-1, 1, count)), np.exp(rng.uniform(-1, 1, count))
    x, t = oracle.solve(profile, states)
    x2, t2 = oracle.solve(profile, _rescaled(states, a, b))
    np.testing.assert_allclose(t2, t * a * b, rtol=1e-9)
    assert (x2 == x).all(axis=1).mean() > 0.999  # only exact float ties may differ


def test_scale_augment_is_the_features_of_the_rescaled_states(dag10):
    states = states_for(dag10, 50, seed=2)
    raw = build_features(dag10, states)
    got = scale_augment(raw, scale_invariance_masks(dag10), np.random.default_rng(5), 0.7)
    rng = np.random.default_rng(5)
    log_a, log_b = rng.uniform(-0.7, 0.7, size=(50, 1)), rng.uniform(-0.7, 0.7, size=(50, 1))
    want = build_features(dag10, _rescaled(states, np.exp(log_a[:, 0]), np.exp(log_b[:, 0])))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_recipe_widths(chain6, dag10):
    assert len(feature_recipe(chain6)) == 22 and len(feature_recipe(dag10)) == 30


def test_normalizer_survives_a_constant_feature():
    features = np.ones((10, 3), dtype=np.float32)
    norm = Normalizer.fit(features)
    assert np.all(np.isfinite(norm(features)))
    assert Normalizer.from_dict(norm.to_dict()).std.tolist() == norm.std.tolist()
