"""Shift regimes: each moves what it says, and the guarded decoder is never above greedy there."""

import numpy as np
import pytest

from kdoffload.evaluation.robustness import markdown, regime_states, robustness
from kdoffload.model.decider import Decider, Decoder, DecoderConfig
from kdoffload.model.errors import InputError
from kdoffload.model.features import Normalizer, Support, build_features
from kdoffload.model.policies import BestTrivial, Greedy
from kdoffload.model.regimes import load_regime, shipped_regimes


def test_every_shipped_regime_loads_and_moves_its_ranges(chain6):
    assert {"weak-channel", "loaded-edge", "fast-device", "big-data", "mixed"} <= set(shipped_regimes())
    for name in shipped_regimes():
        regime = load_regime(name)
        moved = regime.apply(chain6)
        assert moved.edges == chain6.edges and moved.name == chain6.name
        assert moved.ranges != chain6.ranges


def test_a_bad_regime_is_named(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[ranges]\nf_device = [3e9, 1e9]\n')
    with pytest.raises(InputError, match="f_device"):
        load_regime(bad)
    with pytest.raises(InputError, match="no such regime"):
        load_regime("no-such-regime")


def random_decider(profile, states, name, decoder):
    """A learned policy with random logits: the guard must hold whatever the network says."""
    features = build_features(profile, states)
    normalizer, support = Normalizer.fit(features), Support.fit(features)
    rng = np.random.default_rng(0)

    def forward(x):
        return rng.normal(size=(len(x), profile.n, 3)).astype(np.float32) * 3

    return Decider(profile, normalizer, forward, DecoderConfig(decoder, 4, 16), support, name)


def test_guarded_is_never_above_greedy_or_best_trivial_on_any_regime(dag10):
    training = regime_states(dag10, None, 200, 0).states
    policies = [random_decider(dag10, training, "guarded", Decoder.GUARDED),
                random_decider(dag10, training, "argmax", Decoder.ARGMAX), Greedy(dag10), BestTrivial(dag10)]
    result = robustness(dag10, [load_regime("weak-channel"), load_regime("big-data")], policies, 60, 1)
    for regime in result["regimes"].values():
        p = regime["policies"]
        assert p["guarded"]["mean_ratio"] <= min(p["greedy"]["mean_ratio"], p["best-trivial"]["mean_ratio"])
    assert result["regimes"]["big-data"]["policies"]["guarded"]["out_of_support"] > 0.5
    text = markdown(result)
    assert "weak-channel" in text and "guarded" in text
