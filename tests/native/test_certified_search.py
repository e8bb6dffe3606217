"""The certified branch and bound beyond the numpy oracle's reach: equal to the native exhaustive
search up to N = 14, anytime under a budget (a valid lower bound, an honest certificate), and
its heuristics equal to their Python definitions on graphs up to 64 subtasks."""

import time

import numpy as np
import pytest

from kdoffload.model import exact, native
from kdoffload.model.delay import delays
from kdoffload.model.graph_heuristics import Heft
from kdoffload.model.policies import Greedy
from kdoffload.model.profile import Profile
from tests.conftest import random_dag, states_for
from tests.native.test_random_graphs import tied_states


def layered_dag(rng: np.random.Generator, n: int, edge_cores: int = 2, reach: int = 4) -> Profile:
    """A random DAG whose edges span at most `reach` indices: wide and deep at any n."""
    edges = tuple((j, i) for i in range(1, n) for j in range(max(0, i - reach), i) if rng.random() < 0.5)
    return Profile(f"layered{n}", n, edges, edge_cores)


@pytest.mark.parametrize("n, seed", [(13, 1), (13, 2), (14, 3), (14, 4)])
def test_branch_and_bound_equals_native_exhaustive_search(n, seed):
    rng = np.random.default_rng(seed)
    profile = random_dag(rng, n, 1 + seed % 3)
    states = states_for(profile, 1, seed)
    solution = exact.solve_certified(profile, states)
    labels, optimal, _ = native.solve_with_nodes(profile, states, "exhaustive")
    assert solution.certified.all()
    np.testing.assert_array_equal(solution.labels, labels)
    np.testing.assert_array_equal(solution.delay, optimal)
    np.testing.assert_array_equal(solution.lower_bound, optimal)


@pytest.mark.parametrize("n", [8, 11])
def test_certified_labels_keep_the_lexicographic_ties(n):
    rng = np.random.default_rng(n)
    profile = random_dag(rng, n, 2)
    states = tied_states(profile, 6, rng)
    solution = exact.solve_certified(profile, states)
    labels, optimal, _ = native.solve_with_nodes(profile, states, "exhaustive")
    np.testing.assert_array_equal(solution.labels, labels)
    np.testing.assert_array_equal(solution.delay, optimal)


def test_a_spent_budget_returns_the_best_found_and_a_valid_bound(dag10):
    states = states_for(dag10, 40, 5)
    _, optimal = native.solve(dag10, states)
    cut = exact.solve_certified(dag10, states, exact.Budget(max_nodes=12))
    assert not cut.certified.all()
    assert (cut.lower_bound <= optimal).all() and (optimal <= cut.delay).all()
    np.testing.assert_array_equal(cut.delay, delays(dag10, states, cut.labels))
    assert ((cut.gap > 0) == (cut.delay > cut.lower_bound)).all() and (cut.gap[cut.certified] == 0).all()


def test_sixty_four_subtasks_are_solved_within_the_budget():
    profile = layered_dag(np.random.default_rng(64), 64)
    states = states_for(profile, 3, 64)
    solution = exact.solve_certified(profile, states, exact.Budget(max_nodes=20_000))
    np.testing.assert_array_equal(solution.delay, delays(profile, states, solution.labels))
    assert (solution.lower_bound <= solution.delay).all()
    assert (solution.nodes <= 20_000 + 3).all()
    # The search never returns worse than its first incumbent, the better heuristic.
    best_heuristic = np.minimum(native.greedy(profile, states)[1], native.heft(profile, states)[1])
    assert (solution.delay <= best_heuristic).all()


def test_a_time_budget_stops_the_search():
    profile = layered_dag(np.random.default_rng(7), 48, reach=6)
    states = states_for(profile, 2, 7)
    labels, found, lower, certified, nodes = native.solve_certified(profile, states, max_seconds=0.02)
    np.testing.assert_array_equal(found, delays(profile, states, labels))
    assert (lower <= found).all()


def test_a_time_budget_counts_the_solving_threads_cpu_time():
    # The budget is the thread's CPU time: a search it stops has used at least that much of it,
    # however loaded the machine (a wall-clock budget would stop it with less).
    profile = layered_dag(np.random.default_rng(0), 64, reach=4)
    states = states_for(profile, 3, 0)[1:2]  # 100,000 nodes leave it open
    began = time.thread_time()
    certified = native.solve_certified(profile, states, max_seconds=0.05)[3]
    used = time.thread_time() - began
    assert not certified[0]
    assert used >= 0.05


@pytest.mark.parametrize("n, cores", [(6, 1), (10, 2), (24, 3), (64, 2)])
def test_heuristics_equal_their_python_definitions(n, cores):
    profile = layered_dag(np.random.default_rng(n), n, cores)
    states = states_for(profile, 30, n)
    for python, native_heuristic in ((Greedy(profile), native.greedy), (Heft(profile), native.heft)):
        labels, delay = native_heuristic(profile, states)
        np.testing.assert_array_equal(labels, python.decide(states))
        np.testing.assert_array_equal(delay, delays(profile, states, labels))


def test_a_bad_budget_is_one_line(dag10):
    from kdoffload.model.errors import InputError
    with pytest.raises(InputError, match="budget"):
        native.solve_certified(dag10, states_for(dag10, 1, 0), max_nodes=-1)
