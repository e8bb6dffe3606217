"""The C++ observation summary (kdo::summarise) against model/observation.py, value for value."""

import ctypes

import numpy as np
import pytest

from bench.observation_cost import random_manifest
from kdoffload.model import native
from kdoffload.model import observation as obs
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.states import sample_states

P = ctypes.POINTER(ctypes.c_double)


def _native_summary(o: obs.Observation) -> np.ndarray:
    lib = native._lib()
    lib.kdo_observation_summary.argtypes = [ctypes.c_int, P, P, P, P]
    up, down = (np.ascontiguousarray(h, dtype=np.float64) for h in (o.rate_up_history, o.rate_down_history))
    backlogs = np.ascontiguousarray(np.stack([o.backlog_device, o.backlog_up, o.backlog_down], axis=1))
    out = np.empty((len(o), len(obs.FIELDS)))
    args = [a.ctypes.data_as(P) for a in (up, down, backlogs, out)]
    assert lib.kdo_observation_summary(len(o), *args) == 0
    return out


def test_the_cpp_summary_is_python_s_to_rounding():
    rng = np.random.default_rng(5)
    count = 200
    up = np.exp(rng.uniform(np.log(1e3), np.log(1e9), (count, obs.HISTORY)))
    down = up * rng.uniform(1, 5, (count, obs.HISTORY))
    up[:20] = up[:20, :1]  # histories that hold still: spread exactly 0, mean the rate
    o = obs.Observation(up, down, *rng.uniform(0, 5, (3, count)))
    expected = np.stack([o.summary()[f] for f in obs.FIELDS], axis=1)
    got = _native_summary(o)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert (got[:20, 2] == 0).all() and (got[:20, 0] == up[:20, -1]).all()


def test_the_cpp_decider_replays_golden_observations(tmp_path):
    import json

    import pytest

    from kdoffload.model.errors import InputError

    profile, path, _ = random_manifest("chain6-dyn", tmp_path / "dyn.manifest.json")
    assert native.NativeDecider(profile, path).handle  # every golden vector replayed in C++
    manifest = json.loads(path.read_text())
    manifest["golden"][2]["observation"]["backlog_device"] += 3.0
    path.write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="golden"):
        native.NativeDecider(profile, path)


@pytest.mark.parametrize("rate_estimate", ["current", "history", "backlog"])
def test_the_cpp_decider_decides_on_observations_as_python_does(tmp_path, rate_estimate):
    """The native engine gets each state's observation (features and, on history, the rates its
    candidates are scored under; on backlog, the queues they start behind) and decides as the
    Python decision path does."""
    profile, path, decider = random_manifest("chain6-dyn", tmp_path / "dyn.manifest.json")
    rng = np.random.default_rng(11)
    states = sample_states(profile, 300, rng)
    seen = obs.moving_observation(states, rng, spread=1.5)
    config = DecoderConfig(rate_estimate=rate_estimate)
    want, _ = decider.with_decoder(config).decide_flagged(states, seen)
    got, took = native.NativeDecider(profile, path, "guarded", rate_estimate=rate_estimate).decide_timed(states, seen)
    np.testing.assert_array_equal(got, want)
    assert took > 0
    if rate_estimate != "current":  # the estimate changes decisions: the test sees it at work
        current, _ = decider.decide_flagged(states, seen)
        assert (current != want).any(axis=1).sum() > 0


def test_the_cpp_core_reads_the_manifest_s_rate_estimate(tmp_path):
    """An observing export ships backlog scoring and its golden records were made with it: read as
    current (the key removed) they no longer replay; a value the core does not know is refused."""
    import json

    from kdoffload.model.errors import InputError

    profile, path, _ = random_manifest("chain6-dyn", tmp_path / "dyn.manifest.json")
    manifest = json.loads(path.read_text())
    assert manifest["decoder"]["rate_estimate"] == "backlog"
    del manifest["decoder"]["rate_estimate"]
    path.write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="golden"):
        native.NativeDecider(profile, path)
    manifest["decoder"]["rate_estimate"] = "mean"
    path.write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="decoder.rate_estimate"):
        native.NativeDecider(profile, path)


def test_without_an_estimate_the_cpp_decider_scores_as_its_manifest_says(tmp_path):
    """No rate_estimate given: the manifest's decoder.rate_estimate (backlog for a profile that
    observes), as the Python decision path reads it."""
    import json

    profile, path, decider = random_manifest("chain6-dyn", tmp_path / "dyn.manifest.json")
    assert json.loads(path.read_text())["decoder"]["rate_estimate"] == "backlog"
    rng = np.random.default_rng(12)
    states = sample_states(profile, 300, rng)
    seen = obs.moving_observation(states, rng, spread=1.5)
    want, _ = decider.with_decoder(DecoderConfig(rate_estimate="backlog")).decide_flagged(states, seen)
    current, _ = decider.decide_flagged(states, seen)
    assert (current != want).any(axis=1).sum() > 0  # the two scorings differ on these states
    got, _ = native.NativeDecider(profile, path, "guarded").decide_timed(states, seen)
    np.testing.assert_array_equal(got, want)
