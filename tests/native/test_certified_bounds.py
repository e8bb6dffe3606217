"""The branch and bound's bounds (exits' way home, forced-site chains, load tests) never cut off
the optimum: on daggen graphs as the DRL papers draw them (wide, many entries and exits, where
those bounds bite) and on tied states, the certified labels equal the native exhaustive search."""

import numpy as np
import pytest

from kdoffload.model import exact, native
from kdoffload.model.profile import load_profile
from tests.conftest import states_for
from tests.native.test_random_graphs import tied_states

FAMILY = "daggen:n={n},fat={fat},density={density},regularity=0.7,ccr={ccr},seed={seed}"


@pytest.mark.parametrize("n, fat, density, ccr, seed", [
    (11, 0.7, 0.6, 0.5, 0), (12, 0.7, 0.5, 0.3, 1), (12, 0.9, 0.7, 0.5, 2), (10, 0.5, 0.6, 2.0, 3),
])
def test_equal_to_exhaustive_search_on_daggen_graphs(n, fat, density, ccr, seed):
    profile = load_profile(FAMILY.format(n=n, fat=fat, density=density, ccr=ccr, seed=seed))
    rng = np.random.default_rng(seed)
    states = states_for(profile, 3, seed)
    for batch in (states, tied_states(profile, 3, rng)):
        solution = exact.solve_certified(profile, batch)
        labels, optimal, _ = native.solve_with_nodes(profile, batch, "exhaustive")
        assert solution.certified.all()
        np.testing.assert_array_equal(solution.labels, labels)
        np.testing.assert_array_equal(solution.delay, optimal)


@pytest.mark.parametrize("n, seed", [(10, 4), (11, 5), (12, 6)])
def test_an_unfinished_search_bounds_the_optimum_from_below(n, seed):
    """The bound left on open subtrees (load tests and transfer cuts, bisected) never passes
    T*, also where the uplink is slow and the device's core against the links decides."""
    profile = load_profile(FAMILY.format(n=n, fat=0.7, density=0.6, ccr=0.5, seed=seed))
    states = states_for(profile, 8, seed)
    states.rate_up[::2] /= 50.0
    _, optimal, _ = native.solve_with_nodes(profile, states, "exhaustive")
    for max_nodes in (10, 60, 300):
        cut = exact.solve_certified(profile, states, exact.Budget(max_nodes=max_nodes))
        assert (cut.lower_bound <= optimal).all() and (optimal <= cut.delay).all()


@pytest.mark.parametrize("n, seed", [(10, 7), (11, 8), (12, 9)])
def test_equal_to_exhaustive_search_where_each_link_is_slow(n, seed):
    """The critical path's inputs sharing a link into a site (placed inputs fetched in order, and
    earliest release first on each link) and the load test's heads and tails never cut x*: with
    the uplink, the downlink or the backhaul slowed in turn, where those bounds decide."""
    profile = load_profile(FAMILY.format(n=n, fat=0.7, density=0.6, ccr=0.5, seed=seed))
    states = states_for(profile, 9, seed)
    states.rate_up[0::3] /= 20.0
    states.rate_down[1::3] /= 20.0
    states.rate_backhaul[2::3] /= 20.0
    solution = exact.solve_certified(profile, states)
    labels, optimal, _ = native.solve_with_nodes(profile, states, "exhaustive")
    assert solution.certified.all()
    np.testing.assert_array_equal(solution.labels, labels)
    np.testing.assert_array_equal(solution.delay, optimal)


@pytest.mark.parametrize("n, seed", [(11, 2), (11, 5), (12, 12)])
def test_an_unfinished_search_bounds_the_optimum_from_below_where_the_backhaul_decides(n, seed):
    """The cuts with the cloud as the far side (compute against the backhaul up and down) and the
    weights stepped toward the overloaded resources never pass T*: with the backhaul slow or far,
    where most of an optimum's data crosses it, and with the uplink slow too."""
    profile = load_profile(FAMILY.format(n=n, fat=0.7, density=0.6, ccr=0.5, seed=seed))
    states = states_for(profile, 12, seed)
    states.rate_backhaul[0::3] /= 30.0
    states.lat_backhaul[1::3] *= 10.0
    states.rate_backhaul[2::3] /= 10.0
    states.rate_up[2::3] /= 10.0
    _, optimal, _ = native.solve_with_nodes(profile, states, "exhaustive")
    for max_nodes in (4, 10, 60, 300):
        cut = exact.solve_certified(profile, states, exact.Budget(max_nodes=max_nodes))
        assert (cut.lower_bound <= optimal).all() and (optimal <= cut.delay).all()
