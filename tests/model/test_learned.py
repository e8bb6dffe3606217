"""A trained network as a decider (model/learned.py): checkpoints round-trip, every decoder decides."""

import numpy as np
import pytest
import torch

from kdoffload.model.decider import Decoder, DecoderConfig
from kdoffload.model.decoding import argmax_placements, guarded, verified_topk
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.features import Normalizer, Support, build_features
from kdoffload.model.learned import ARGMAX, load_net_decider, net_decider
from kdoffload.model.nets import OffloadMLP, student_config
from kdoffload.model.policies import Everywhere, Greedy
from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states, shifted_profile
from kdoffload.model.checkpoint import Checkpoint, save_checkpoint
from tests.conftest import states_for

TOP8 = DecoderConfig(Decoder.TOPK, top_k=8)
GUARDED = DecoderConfig(Decoder.GUARDED, top_k=4, ood_top_k=16)


@pytest.fixture(scope="module")
def trained():
    """A random-weight student with a normaliser and support fitted on chain6 states."""
    profile = load_profile("chain6")
    features = build_features(profile, states_for(profile, 500, 30))
    torch.manual_seed(7)
    net = OffloadMLP(student_config(features.shape[1], profile.n)).eval()
    return profile, net, Normalizer.fit(features), Support.fit(features)


def save(path, profile, net, normalizer, kind="student"):
    """A checkpoint whose last epoch's weights differ from its best ones."""
    last = OffloadMLP(net.config).state_dict()
    save_checkpoint(path, Checkpoint(kind, profile.to_dict(), net.config.to_dict(), normalizer, {},
                                     net.state_dict(), last_state=last))
    return path


def logits_of(profile, net, normalizer, states):
    with torch.inference_mode():
        return net(torch.from_numpy(normalizer(build_features(profile, states)))).numpy()


def test_a_saved_checkpoint_decides_as_the_network_did(tmp_path, trained):
    profile, net, normalizer, _ = trained
    states = states_for(profile, 200, 31)
    path = save(tmp_path / "checkpoint.pt", profile, net, normalizer)
    for config in (ARGMAX, TOP8, GUARDED):
        before = net_decider(profile, net, normalizer, "student", config).decide(states)
        loaded, loaded_net, payload = load_net_decider(path, "student", profile, "student", config)
        np.testing.assert_array_equal(loaded.decide(states), before)
    assert payload.kind == "student" and not loaded_net.training
    for key, tensor in net.state_dict().items():  # the best weights, not the last epoch's
        torch.testing.assert_close(loaded_net.state_dict()[key], tensor, rtol=0, atol=0)
    np.testing.assert_array_equal(loaded.normalizer.mean, normalizer.mean)


def test_a_checkpoint_of_another_kind_or_profile_is_refused(tmp_path, trained):
    profile, net, normalizer, _ = trained
    path = save(tmp_path / "checkpoint.pt", profile, net, normalizer)
    with pytest.raises(InputError, match="a student checkpoint, expected a teacher"):
        load_net_decider(path, "teacher", profile, "teacher")
    with pytest.raises(InputError, match="not dag10"):
        load_net_decider(path, "student", load_profile("dag10"), "student")
    with pytest.raises(InputError, match="no such checkpoint"):
        load_net_decider(tmp_path / "missing.pt", "student", profile, "student")


def test_argmax_decoder(trained):
    profile, net, normalizer, _ = trained
    states = states_for(profile, 100, 32)
    decider = net_decider(profile, net, normalizer, "student")
    np.testing.assert_allclose(decider.logits(states), logits_of(profile, net, normalizer, states))
    np.testing.assert_array_equal(decider.decide(states),
                                  argmax_placements(logits_of(profile, net, normalizer, states)))


def test_topk_decoder_never_loses_to_argmax_or_all_local(trained):
    profile, net, normalizer, _ = trained
    states = states_for(profile, 300, 33)
    logits = logits_of(profile, net, normalizer, states)
    placements = net_decider(profile, net, normalizer, "student", TOP8).decide(states)
    np.testing.assert_array_equal(placements, verified_topk(profile, states, logits, 8))
    cost = delays(profile, states, placements)
    assert (cost <= delays(profile, states, argmax_placements(logits))).all()
    assert (cost <= delays(profile, states, Everywhere(profile, 0).decide(states))).all()


def test_guarded_decoder_widens_k_out_of_support(trained):
    profile, net, normalizer, support = trained
    inside = states_for(profile, 60, 34)
    outside = sample_states(shifted_profile(profile, 8.0), 60, np.random.default_rng(35))
    decider = net_decider(profile, net, normalizer, "student", GUARDED, support)
    for states in (inside, outside):
        placements, flagged = decider.decide_flagged(states)
        np.testing.assert_array_equal(flagged, support.outside(build_features(profile, states)))
        logits = logits_of(profile, net, normalizer, states)
        for k, width in ((~flagged, 4), (flagged, 16)):
            if k.any():
                np.testing.assert_array_equal(placements[k], guarded(profile, states[k], logits[k], width))
        cost = delays(profile, states, placements)
        for rule in (Greedy(profile), *(Everywhere(profile, s) for s in range(3))):
            assert (cost <= delays(profile, states, rule.decide(states))).all(), rule.name
    assert flagged.sum() > 10  # states from 8x wider ranges do leave the support
    assert not decider.out_of_support(inside[:5]).all()


def test_without_support_nothing_is_flagged(trained):
    profile, net, normalizer, _ = trained
    outside = sample_states(shifted_profile(profile, 8.0), 20, np.random.default_rng(36))
    _, flagged = net_decider(profile, net, normalizer, "s", GUARDED).decide_flagged(outside)
    assert not flagged.any()


def test_names_come_from_the_decoder_label(trained):
    profile, net, normalizer, support = trained
    assert ARGMAX.label("student") == "student"
    assert TOP8.label("student") == "student+top8"
    assert DecoderConfig(Decoder.TOPK, top_k=3).label("teacher") == "teacher+top3"
    assert GUARDED.label("student-nokd") == "student-nokd+guarded"
    decider = net_decider(profile, net, normalizer, TOP8.label("student"), TOP8, support)
    assert decider.name == "student+top8"
    renamed = decider.with_decoder(GUARDED, GUARDED.label("student"))
    assert renamed.name == "student+guarded" and renamed.config == GUARDED
    assert renamed.support is support and decider.with_decoder(ARGMAX).name == "student+top8"


@pytest.mark.parametrize("bad", [{"decoder": "beam"}, {"top_k": 0}, {"ood_top_k": True}, {"top_k": 2.0}])
def test_a_bad_decoder_config_is_an_input_error(bad):
    with pytest.raises(InputError):
        DecoderConfig(**bad)
