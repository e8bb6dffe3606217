"""The native core against the Python oracle on the shipped profiles, 10,000 states each."""

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import numpy as np
import pytest

from kdoffload.model import native, oracle
from kdoffload.model.delay import delays
from kdoffload.model.policies import Greedy
from kdoffload.model.profile import load_profile
from tests.conftest import states_for

STATES = 10_000


def assert_same_solution(profile, states, labels, optimal):
    expected_labels, expected_optimal = oracle.solve(profile, states)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_allclose(optimal, expected_optimal, rtol=1e-12, atol=0)


def test_chain6_dp_equals_the_oracle(chain6):
    states = states_for(chain6, STATES, 101)
    labels, optimal = native.solve(chain6, states)
    assert_same_solution(chain6, states, labels, optimal)


def _oracle_chunk(args):
    name, start, stop = args
    profile = load_profile(name)
    return oracle.solve(profile, states_for(profile, STATES, 102)[start:stop])


@pytest.mark.slow
def test_dag10_branch_and_bound_equals_the_exhaustive_oracle(dag10):
    """The Python exhaustive search takes ~14 ms a state: two worker processes share the work."""
    states = states_for(dag10, STATES, 102)
    labels, optimal = native.solve(dag10, states)
    chunks = [("dag10", a, min(a + 1000, STATES)) for a in range(0, STATES, 1000)]
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        parts = list(pool.map(_oracle_chunk, chunks))
    np.testing.assert_array_equal(labels, np.concatenate([p[0] for p in parts]))
    np.testing.assert_allclose(optimal, np.concatenate([p[1] for p in parts]), rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", ["chain6", "dag10"])
def test_delays_and_greedy_equal_the_python_model(name):
    profile = load_profile(name)
    states = states_for(profile, STATES, 103)
    rng = np.random.default_rng(3)
    placements = rng.integers(0, 3, size=(STATES, profile.n), dtype=np.int8)
    np.testing.assert_allclose(native.delays(profile, states, placements),
                               delays(profile, states, placements), rtol=1e-12, atol=0)
    labels, greedy_delay = native.greedy(profile, states)
    np.testing.assert_array_equal(labels, Greedy(profile).decide(states))
    np.testing.assert_allclose(greedy_delay, delays(profile, states, labels), rtol=1e-12, atol=0)


def test_branch_and_bound_equals_native_exhaustive_and_visits_fewer_nodes(dag10):
    states = states_for(dag10, 50, 104)
    bb_labels, bb_optimal, bb_nodes = native.solve_with_nodes(dag10, states, "branch_bound")
    ex_labels, ex_optimal, ex_nodes = native.solve_with_nodes(dag10, states, "exhaustive")
    np.testing.assert_array_equal(bb_labels, ex_labels)
    np.testing.assert_array_equal(bb_optimal, ex_optimal)
    assert (ex_nodes == sum(3 ** (i + 1) for i in range(dag10.n))).all()
    assert (bb_nodes < ex_nodes).all()


def test_refusals_name_the_problem(chain6, dag10):
    states = states_for(dag10, 2, 105)
    with pytest.raises(ValueError, match="chain DP needs a chain"):
        native.solve_with_nodes(dag10, states, "chain_dp")
    with pytest.raises(ValueError, match="placements: site 3"):
        native.delays(dag10, states, np.full((2, dag10.n), 3, dtype=np.int8))
    with pytest.raises(ValueError, match="placements: shape"):
        native.delays(dag10, states, np.zeros((2, 3), dtype=np.int8))
    with pytest.raises(ValueError, match="states.cycles: shape"):
        native.solve(chain6, states)
