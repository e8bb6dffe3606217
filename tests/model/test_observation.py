"""The observation recipe: its summary against a direct computation, opt-in per profile, and the
other profiles' features exactly as before."""

import hashlib

import numpy as np
import pytest

from kdoffload.model import observation as obs
from kdoffload.model.errors import InputError
from kdoffload.model.features import build_features, feature_recipe
from kdoffload.model.profile import CONFIG_DIR, load_profile, profile_from_dict
from kdoffload.model.states import sample_states

# sha256 of build_features(profile, sample_states(profile, 64, default_rng(0))) as the tree had
# them before observations existed: a profile without the setting must keep them to the bit.
PINNED = {"chain6": "fd7e6993ee048889", "dag10": "17dffe278152310e", "dag12": "0207cd37da18855c"}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_profiles_without_the_setting_keep_their_features_to_the_bit(name):
    profile = load_profile(name)
    assert profile.observation is None and "observation" not in profile.to_dict()
    states = sample_states(profile, 64, np.random.default_rng(0))
    features = build_features(profile, states)
    assert hashlib.sha256(features.tobytes()).hexdigest()[:16] == PINNED[name]
    busy = obs.Observation(np.full((64, obs.HISTORY), 1e3), np.full((64, obs.HISTORY), 1e3),
                           np.ones(64), np.ones(64), np.ones(64))
    assert build_features(profile, states, busy).tobytes() == features.tobytes()
    assert not any(item["field"] in obs.FIELDS for item in feature_recipe(profile))


def test_the_summary_is_the_harmonic_mean_minimum_and_log_spread():
    rng = np.random.default_rng(3)
    up, down = np.exp(rng.uniform(10, 18, (5, obs.HISTORY))), np.exp(rng.uniform(10, 18, (5, obs.HISTORY)))
    backlog = rng.uniform(0, 3, (3, 5))
    summary = obs.Observation(up, down, *backlog).summary()
    for side, history in (("up", up), ("down", down)):
        np.testing.assert_allclose(summary[f"rate_{side}_hmean"], 1 / np.mean(1 / history, axis=1), rtol=1e-12)
        np.testing.assert_array_equal(summary[f"rate_{side}_min"], history.min(axis=1))
        np.testing.assert_allclose(summary[f"rate_{side}_spread"], np.log(history).std(axis=1), rtol=1e-10)
    np.testing.assert_array_equal(summary["backlog_up"], backlog[1])


def test_the_dyn_profile_appends_the_nine_features_in_recipe_order():
    dyn, base = load_profile("chain6-dyn"), load_profile("chain6")
    recipe = feature_recipe(dyn)
    assert recipe[:len(feature_recipe(base))] == feature_recipe(base)
    assert [(r["field"], r["transform"]) for r in recipe[len(feature_recipe(base)):]] == list(obs.SUMMARY_FIELDS)
    states = sample_states(dyn, 8, np.random.default_rng(1))
    still = build_features(dyn, states)
    assert np.array_equal(still[:, :22], build_features(base, states))
    np.testing.assert_allclose(still[:, 22], np.log(states.rate_up).astype(np.float32), rtol=1e-6)
    assert (still[:, -3:] == 0).all()  # nothing queued


def test_observe_probes_oldest_first_and_clips_backlogs():
    seen = obs.observe(lambda t: (1e6 + t, 2e6 + t), 1.0, (0.5, -0.2, 0.0))
    times = obs.probe_times(1.0)
    assert times[0] == 0.0 and times[-1] == 1.0 and times == sorted(times)
    assert seen.rate_up_history[0].tolist() == [1e6 + t for t in times]
    assert (seen.backlog_device[0], seen.backlog_up[0]) == (0.5, 0.0)


def test_an_unknown_recipe_is_one_line():
    raw = load_profile("chain6").to_dict() | {"observation": "psychic"}
    with pytest.raises(InputError, match="observation: unknown recipe 'psychic'"):
        profile_from_dict(raw, source="x.toml")
    assert profile_from_dict(raw | {"observation": "rate-history"}).observation == "rate-history"
    assert (CONFIG_DIR / "chain6-dyn.toml").is_file()


def test_the_history_estimate_lowers_a_rate_to_its_harmonic_mean_never_raises_it():
    from kdoffload.model.decider import DecoderConfig

    profile = load_profile("chain6-dyn")
    states = sample_states(profile, 50, np.random.default_rng(2))
    seen = obs.moving_observation(states, np.random.default_rng(3))
    estimated = obs.as_estimated(states, seen)
    hmean = seen.summary()["rate_up_hmean"]
    np.testing.assert_array_equal(estimated.rate_up, np.minimum(states.rate_up, hmean))
    assert (estimated.rate_up < states.rate_up).any() and (estimated.rate_up <= states.rate_up).all()
    still = obs.as_estimated(states, obs.still_observation(states))
    np.testing.assert_array_equal(still.rate_down, states.rate_down)
    assert DecoderConfig(rate_estimate="history").label("student") == "student+guarded-history"
    with pytest.raises(InputError, match="rate_estimate"):
        DecoderConfig(rate_estimate="hmean")
