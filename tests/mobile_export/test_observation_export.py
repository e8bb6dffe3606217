"""Golden vectors of an observation profile: each record carries its raw observation, and the
Python decision path replays them (a changed observation changes the features it checks)."""

import copy

import numpy as np
import pytest
import torch

from kdoffload.mobile_export.checks import check_golden
from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.golden import golden_vectors
from kdoffload.model import observation as obs
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.errors import InputError
from kdoffload.model.features import Normalizer, Support, build_features
from kdoffload.model.learned import net_decider
from kdoffload.model.nets import OffloadMLP, student_config
from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states


def golden_of(name: str):
    profile = load_profile(name)
    rng = np.random.default_rng(7)
    states = sample_states(profile, 40, rng)
    up = states.rate_up[:, None] * np.exp(rng.normal(0, 0.8, (40, obs.HISTORY)))
    seen = obs.Observation(up, up * 3, *rng.uniform(0, 2, (3, 40)))
    raw = build_features(profile, states, seen)
    torch.manual_seed(5)
    net = OffloadMLP(student_config(raw.shape[1], profile.n)).eval()
    normalizer, support = Normalizer.fit(raw), Support.fit(raw)
    decider = net_decider(profile, net, normalizer, "student", DecoderConfig(), support)
    features = normalizer(raw)
    shipped = ExportConfig().decoder_for(profile)  # backlog scoring where the profile observes
    golden = golden_vectors(profile, states, features, decider.forward(features), shipped, support,
                            observation=seen)
    manifest = {"decoder": shipped.to_manifest(), "golden": golden,
                "verification": {"logit_tolerance": 1e-4}}
    return manifest, decider


@pytest.fixture(scope="module")
def dyn_golden():
    return golden_of("chain6-dyn")


def test_each_record_carries_its_observation_and_replays(dyn_golden, tmp_path):
    manifest, decider = dyn_golden
    assert all(len(g["observation"]["rate_up_history"]) == obs.HISTORY for g in manifest["golden"])
    check_golden(manifest, tmp_path / "m.json", decider)


def test_a_profile_without_observations_has_none_in_its_golden_records(tmp_path):
    manifest, decider = golden_of("chain6")
    assert not any("observation" in g for g in manifest["golden"])
    check_golden(manifest, tmp_path / "m.json", decider)


def test_a_changed_or_missing_observation_is_refused(dyn_golden, tmp_path):
    manifest, decider = dyn_golden
    changed = copy.deepcopy(manifest)
    changed["golden"][3]["observation"]["backlog_up"] += 5.0
    with pytest.raises(InputError, match="golden features differ"):
        check_golden(changed, tmp_path / "m.json", decider)
    changed["golden"][3]["observation"]["rate_up_history"][0] = -1.0
    with pytest.raises(InputError, match=r"golden\[3\].observation.rate_up_history"):
        check_golden(changed, tmp_path / "m.json", decider)
    del changed["golden"][0]["observation"]
    with pytest.raises(InputError, match=r"golden\[0\].observation: missing"):
        check_golden(changed, tmp_path / "m.json", decider)


def test_an_observing_profile_ships_backlog_scoring_and_its_golden_records_show_it(dyn_golden, tmp_path):
    manifest, decider = dyn_golden
    assert manifest["decoder"]["rate_estimate"] == "backlog"
    assert "rate_estimate" not in ExportConfig().decoder_for(load_profile("chain6")).to_manifest()
    assert DecoderConfig.from_manifest({"default": "guarded", "top_k": 8, "ood_top_k": 32}).rate_estimate == "current"
    assert any(g["observation"]["backlog_device"] > 0 for g in manifest["golden"])
    # The records hold the backlog decoder's placements: read as current, some differ.
    as_current = copy.deepcopy(manifest)
    del as_current["decoder"]["rate_estimate"]
    with pytest.raises(InputError, match="golden"):
        check_golden(as_current, tmp_path / "m.json", decider)


def test_an_unknown_rate_estimate_is_refused():
    with pytest.raises(InputError, match="rate_estimate"):
        DecoderConfig.from_manifest({"default": "guarded", "top_k": 8, "ood_top_k": 32, "rate_estimate": "mean"})
