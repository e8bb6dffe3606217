"""The MILP of the delay model against the exact solvers: the same T* wherever both certify.

The MILP has no tie rule, so its placement may differ from x* on a tie; what must agree is
T(x_milp) == T*, and HiGHS's dual bound may not pass T*.
"""

import numpy as np
import pytest

from kdoffload.model import exact, milp, native, oracle
from kdoffload.model.profile import Profile
from tests.conftest import random_dag, states_for


def assert_agrees(profile: Profile, states, optimal: np.ndarray, time_limit: float) -> int:
    """Checks every state the MILP certifies; returns how many it certified."""
    certified = 0
    for k in range(len(states)):
        solution = milp.solve_one(profile, states, k, time_limit=time_limit)
        assert solution.lower_bound <= optimal[k] * (1 + 1e-7)
        assert solution.delay >= optimal[k] * (1 - 1e-12)
        if solution.certified:
            certified += 1
            np.testing.assert_allclose(solution.delay, optimal[k], rtol=1e-9)
            np.testing.assert_allclose(solution.objective, optimal[k], rtol=1e-6)
    return certified


@pytest.mark.parametrize("n, seed, cores", [(3, 0, 1), (5, 1, 2), (6, 2, 3), (7, 3, 2)])
def test_milp_equals_the_exhaustive_oracle(n, seed, cores):
    profile = random_dag(np.random.default_rng(seed), n, cores)
    states = states_for(profile, 2, seed)
    _, optimal = oracle.exhaustive(profile, states)
    assert assert_agrees(profile, states, optimal, time_limit=60) == len(states)


def test_milp_equals_branch_and_bound_up_to_twelve(dag10):
    if not native.available():
        pytest.skip(f"{native.library_path()} missing ({native.BUILD_HINT})")
    for profile, seed in ((dag10, 11), (random_dag(np.random.default_rng(12), 12, 2), 12)):
        states = states_for(profile, 1, seed)
        solution = exact.solve_certified(profile, states)
        assert solution.certified.all()
        assert assert_agrees(profile, states, solution.delay, time_limit=60) == 1


@pytest.mark.slow
@pytest.mark.parametrize("n, seed", [(16, 16), (18, 18), (20, 20)])
def test_milp_equals_branch_and_bound_at_sixteen_to_twenty(n, seed):
    """Bounded: one state per size, 120 s of HiGHS at most; checked where both certify."""
    if not native.available():
        pytest.skip(f"{native.library_path()} missing ({native.BUILD_HINT})")
    rng = np.random.default_rng(seed)
    edges = tuple((j, i) for i in range(1, n) for j in range(max(0, i - 4), i) if rng.random() < 0.45)
    profile = Profile(f"layered{n}", n, edges, 2)
    states = states_for(profile, 1, seed)
    solution = exact.solve_certified(profile, states)
    assert solution.certified.all()
    assert assert_agrees(profile, states, solution.delay, time_limit=120) == 1
