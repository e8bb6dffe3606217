"""Export -> ExecuTorch runtime -> eager: the .pte computes the network, the manifest describes it."""

import hashlib
import json

import numpy as np
import torch

from kdoffload.mobile_export.checks import open_checked
from kdoffload.mobile_export.config import FORMAT_VERSION
from kdoffload.model.decoding import argmax_placements, verified_topk
from kdoffload.model.delay import delays
from kdoffload.model.features import build_features, feature_recipe
from kdoffload.model.states import States


def test_runtime_matches_eager_on_every_test_state(exported, student, test_demos, chain6_profile):
    net, normalizer = student
    program, _ = open_checked(exported.pte, chain6_profile)
    features = normalizer(test_demos.features)
    with torch.inference_mode():
        eager = net(torch.from_numpy(features)).numpy()
    np.testing.assert_allclose(program.logits(features), eager, atol=1e-4, rtol=0)
    assert exported.verification.argmax_agreement >= 0.999


def test_manifest_describes_the_file_and_the_profile(exported, chain6_profile):
    manifest = json.loads(exported.manifest.read_text())
    data = exported.pte.read_bytes()
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["pte"] == {"file": exported.pte.name, "sha256": hashlib.sha256(data).hexdigest(),
                               "size_bytes": len(data)}
    assert manifest["profile"]["n"] == chain6_profile.n
    assert manifest["profile"]["entries"] == list(chain6_profile.entries)
    assert manifest["features"]["order"] == feature_recipe(chain6_profile)
    assert manifest["input_shape"] == [1, len(feature_recipe(chain6_profile))]
    assert manifest["output_shape"] == [1, chain6_profile.n, 3]
    assert manifest["labels"] == ["local", "edge", "cloud"]
    assert manifest["export"]["backend"] == "xnnpack" and manifest["export"]["quantization"] == "fp32"
    assert manifest["export"]["executorch_version"] == "1.5.1"
    assert manifest["decoder"]["top_k"] == 8
    assert len(manifest["reference_weights"]) == 3
    floor = exported.floor.read_bytes()
    assert manifest["floor"]["sha256"] == hashlib.sha256(floor).hexdigest()


def test_golden_vectors_reproduce_and_cover_every_label(exported, chain6_profile):
    manifest = json.loads(exported.manifest.read_text())
    golden = manifest["golden"]
    assert len(golden) >= 16
    for key in ("argmax_placement", "topk_placement", "optimal_placement"):
        assert {site for g in golden for site in g[key]} == {0, 1, 2}, key
    states = States.from_dict({f: np.array([g["state"][f] for g in golden])
                               for f in golden[0]["state"]})
    program, _ = open_checked(exported.pte, chain6_profile)
    mean, std = np.array(manifest["features"]["mean"]), np.array(manifest["features"]["std"])
    features = ((build_features(chain6_profile, states) - mean) / std).astype(np.float32)
    np.testing.assert_allclose(features, [g["features"] for g in golden], atol=1e-6)
    logits = program.logits(features)
    np.testing.assert_allclose(logits, [g["logits"] for g in golden], atol=1e-6)
    assert argmax_placements(logits).tolist() == [g["argmax_placement"] for g in golden]
    topk = verified_topk(chain6_profile, states, logits, 8)
    assert topk.tolist() == [g["topk_placement"] for g in golden]
    np.testing.assert_allclose(delays(chain6_profile, states, topk), [g["topk_delay_s"] for g in golden],
                               rtol=1e-12)


def test_the_pte_is_its_weights_and_little_else(exported, student):
    # The 32 KB target itself depends on the chosen width; `bench latency` checks it on the real
    # student. Here: fp32 weights plus a few KB of program, nothing duplicated.
    weights_bytes = 4 * student[0].parameter_count()
    assert weights_bytes < exported.size_bytes <= weights_bytes + 6 * 1024


def test_golden_vectors_cover_the_guarded_decoder_in_and_out_of_support(exported):
    manifest = json.loads(exported.manifest.read_text())
    golden = manifest["golden"]
    assert manifest["decoder"] == {"default": "guarded", "top_k": 8, "ood_top_k": 32}
    flags = [g["out_of_support"] for g in golden]
    assert any(flags) and not all(flags)
    for g in golden:  # guarded never loses to greedy or top-K: both are among its candidates
        assert g["guarded_delay_s"] <= g["topk_delay_s"]
    support = manifest["features"]["support"]
    assert all(lo <= hi for lo, hi in zip(support["min"], support["max"]))
