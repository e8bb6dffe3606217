"""The C++ graph features (native/src/graph_features.cpp) against the Python recipe
(model/graph_features.py) on random graphs up to 64 subtasks; HEFT's ranks are shared with the
C++ HEFT, which stays equal to Python's."""

import numpy as np
import pytest

from kdoffload.model import native
from kdoffload.model.graph_features import profile_inputs
from kdoffload.model.graph_heuristics import Heft
from kdoffload.model.profile import load_profile
from tests.conftest import random_dag, states_for


@pytest.mark.parametrize("source", ["daggen:n=1,seed=1", "daggen:n=9,seed=2", "daggen:n=33,fat=0.3,seed=3",
                                    "daggen:n=64,seed=4", "random:40", "dag10", "chain6"])
def test_the_ports_build_the_same_inputs(source):
    profile = (random_dag(np.random.default_rng(5), int(source.split(":")[1])) if source.startswith("random")
               else load_profile(source))
    states = states_for(profile, 12, 6)
    expected = profile_inputs(profile, states).as_tuple()
    got = native.graph_features(profile, states)
    for name, mine, theirs in zip(("nodes", "scalars", "adjacency", "mask"), got, expected):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=0, err_msg=name)


def test_heft_with_the_shared_ranks_still_equals_python():
    profile = load_profile("daggen:n=30,seed=7")
    states = states_for(profile, 20, 8)
    np.testing.assert_array_equal(native.heft(profile, states)[0], Heft(profile).decide(states))
