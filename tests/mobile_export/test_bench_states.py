import json

import numpy as np
import pytest

from kdoffload.mobile_export.bench_states import read_bench_states, write_bench_states
from kdoffload.model.errors import InputError
from kdoffload.model.profile import load_profile
from kdoffload.model.states import STATE_FIELDS, sample_states


def test_round_trip_keeps_every_state_field_and_the_arrivals(tmp_path):
    profile = load_profile("dag10")
    states = sample_states(profile, 5, np.random.default_rng(0))
    arrivals = np.array([0.0, 0.5, 0.5, 1.25, 3.0])
    path = write_bench_states(profile, states, arrivals, tmp_path / "bench_states.json")
    back, back_arrivals = read_bench_states(path, profile)
    for field in STATE_FIELDS:
        np.testing.assert_array_equal(getattr(back, field), getattr(states, field))
    np.testing.assert_array_equal(back_arrivals, arrivals)
    record = json.loads(path.read_text())["states"][0]
    assert len(record["cycles"]) == profile.n and isinstance(record["f_device"], float)


def test_arrivals_are_optional(tmp_path):
    profile = load_profile("chain6")
    states = sample_states(profile, 2, np.random.default_rng(1))
    path = write_bench_states(profile, states, None, tmp_path / "b.json")
    assert "arrivals_s" not in json.loads(path.read_text())
    assert read_bench_states(path, profile)[1] is None


def test_refuses_decreasing_arrivals_and_another_profile(tmp_path):
    chain6, dag10 = load_profile("chain6"), load_profile("dag10")
    states = sample_states(chain6, 2, np.random.default_rng(2))
    with pytest.raises(InputError, match="non-decreasing"):
        write_bench_states(chain6, states, [1.0, 0.5], tmp_path / "b.json")
    path = write_bench_states(chain6, states, None, tmp_path / "b.json")
    with pytest.raises(InputError, match="expected dag10"):
        read_bench_states(path, dag10)
