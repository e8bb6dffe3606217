"""Native simulator engines: the exact solver, and the exported student's decision path in C++."""

import json
import subprocess
import sys

import numpy as np
import pytest

from kdoffload.mobile_export.policy import load_pte_decider
from kdoffload.model import native, oracle
from kdoffload.scheduler.engines import make_engine
from tests.conftest import states_for


def test_native_oracle_engine_places_like_the_oracle_and_reports_its_time(dag10):
    states = states_for(dag10, 20, 201)
    engine = make_engine("optimal-native", dag10)
    expected = oracle.solve(dag10, states)[0]
    for k in range(len(states)):
        placement, seconds = engine.decide(states[k])
        assert placement == expected[k].tolist()
        assert seconds > 0


def test_solve_timed_matches_solve(chain6):
    states = states_for(chain6, 100, 202)
    labels, optimal, seconds = native.solve_timed(chain6, states)
    expected_labels, expected_optimal = native.solve(chain6, states)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_array_equal(optimal, expected_optimal)
    assert (seconds > 0).all()


@pytest.fixture(scope="module")
def fixture_export(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixture")
    subprocess.run([sys.executable, "bench/native/make_fixture.py", "--out", str(out), "--golden", "16"],
                   check=True, capture_output=True)
    return out


@pytest.mark.parametrize("decoder", ["argmax", "topk", "guarded"])
def test_native_student_decides_like_the_python_decider(chain6, fixture_export, decoder):
    states = states_for(chain6, 300, 203)
    decider = native.NativeDecider(chain6, fixture_export / "student_xnnpack_fp32.manifest.json", decoder)
    labels, seconds = decider.decide_timed(states)
    expected = load_pte_decider(chain6, fixture_export / "student_xnnpack_fp32.pte", decoder).decide(states)
    # The plain loop's logits differ from the .pte's by ~1e-7: a near-tie may flip, rarely.
    assert (labels == expected).all(axis=1).mean() > 0.98
    assert seconds > 0


def test_native_student_refuses_a_manifest_whose_golden_vectors_fail(chain6, fixture_export, tmp_path):
    manifest = json.loads((fixture_export / "student_xnnpack_fp32.manifest.json").read_text())
    golden = manifest["golden"][0]["guarded_placement"]
    golden[0] = (golden[0] + 1) % 3
    path = tmp_path / "tampered.manifest.json"
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="golden check failed"):
        native.NativeDecider(chain6, path, "guarded")
    with pytest.raises(ValueError, match="profile.name is 'chain6', not 'dag10'"):
        from kdoffload.model.profile import load_profile
        native.NativeDecider(load_profile("dag10"), path)
