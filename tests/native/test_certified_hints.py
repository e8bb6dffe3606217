"""The certified search's hints (a site order per subtask, a starting placement) change how many
nodes it takes, never its labels: equal to the exhaustive search whatever the hints."""

import numpy as np
import pytest

from kdoffload.model import exact, native
from kdoffload.model.errors import InputError
from tests.conftest import random_dag, states_for
from tests.native.test_random_graphs import tied_states


def random_orders(rng, count: int, n: int) -> np.ndarray:
    return np.argsort(rng.random((count, n, 3)), axis=2).astype(np.int8)


@pytest.mark.parametrize("n, seed, tied", [(9, 1, False), (12, 2, False), (13, 3, False), (11, 4, True)])
def test_labels_are_the_same_whatever_the_hints(n, seed, tied):
    rng = np.random.default_rng(seed)
    profile = random_dag(rng, n, 1 + seed % 2)
    states = tied_states(profile, 4, rng) if tied else states_for(profile, 2, seed)
    labels, optimal, _ = native.solve_with_nodes(profile, states, "exhaustive")
    worst_first = np.argsort(np.eye(3)[labels], axis=2, kind="stable").astype(np.int8)
    hints = [dict(), dict(site_order=random_orders(rng, len(states), n)),
             dict(site_order=worst_first, incumbent=rng.integers(0, 3, labels.shape)),
             dict(incumbent=labels), dict(incumbent=np.zeros_like(labels))]
    for hint in hints:
        solution = exact.solve_certified(profile, states, **hint)
        assert solution.certified.all()
        np.testing.assert_array_equal(solution.labels, labels)
        np.testing.assert_array_equal(solution.delay, optimal)
        assert (solution.nodes > 0).all()


def test_the_optimum_as_incumbent_takes_no_more_nodes(dag10):
    states = states_for(dag10, 20, 9)
    plain = exact.solve_certified(dag10, states)
    started = exact.solve_certified(dag10, states, incumbent=plain.labels)
    np.testing.assert_array_equal(started.labels, plain.labels)
    assert started.nodes.sum() <= plain.nodes.sum()


@pytest.mark.parametrize("hint, match", [
    (dict(site_order=np.zeros((1, 10, 3))), "site_order: a row that is not a permutation"),
    (dict(site_order=np.full((1, 10, 3), 4)), "site_order: a site outside"),
    (dict(site_order=np.zeros((1, 9, 3))), "site_order: shape"),
    (dict(incumbent=np.full((1, 10), 3)), "incumbents: site 3 at subtask 0"),
    (dict(incumbent=np.zeros((2, 10))), "incumbent: shape"),
])
def test_a_bad_hint_is_one_line(dag10, hint, match):
    with pytest.raises(InputError, match=match):
        native.solve_certified(dag10, states_for(dag10, 1, 0), **hint)
