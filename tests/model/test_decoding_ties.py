"""The decoders' tie rule (the lexicographically smallest of the fastest candidates) at any N:
against a packed base-3 code where it fits in int64, and against Python's tuple order to N = 64."""

import numpy as np
import pytest

from kdoffload.model.decoding import fastest, first_smallest
from kdoffload.model.profile import Profile
from kdoffload.model.states import States


def random_candidates(rng, batch: int, width: int, n: int):
    candidates = rng.integers(0, 3, size=(batch, width, n)).astype(np.int8)
    # Near-duplicates: rows that share long prefixes, so the order is decided late.
    candidates[:, 1::2, : n - 2] = candidates[:, ::2, : n - 2][:, : candidates[:, 1::2].shape[1]]
    alive = rng.random((batch, width)) < 0.6
    alive[:, 0] |= ~alive.any(axis=1)
    return candidates, alive


def test_equal_to_the_packed_code_where_it_fits():
    candidates, alive = random_candidates(np.random.default_rng(12), 200, 9, 12)
    code = (candidates.astype(np.int64) * 3 ** np.arange(11, -1, -1)).sum(axis=2)
    packed = np.argmin(np.where(alive, code, np.iinfo(np.int64).max), axis=1)
    np.testing.assert_array_equal(first_smallest(candidates, alive), packed)


@pytest.mark.parametrize("n", [50, 64])
def test_equal_to_tuple_order_beyond_int64(n):
    candidates, alive = random_candidates(np.random.default_rng(n), 100, 7, n)
    want = [min(np.flatnonzero(row_alive), key=lambda c: (tuple(rows[c]), c))
            for rows, row_alive in zip(candidates, alive)]
    np.testing.assert_array_equal(first_smallest(candidates, alive), want)


def test_fastest_breaks_a_real_tie_at_fifty_subtasks():
    """A chain with equal clocks and free links: every placement takes the same time."""
    n, count = 50, 4
    chain = Profile("chain50", n, tuple((i, i + 1) for i in range(n - 1)), 2)
    one = np.ones(count)
    states = States(cycles=np.full((count, n), 1e9), out_bits=np.full((count, n), 1e6),
                    in_bits=np.pad(np.full((count, 1), 1e6), ((0, 0), (0, n - 1))),
                    f_device=1e9 * one, f_edge=1e9 * one, f_cloud=1e9 * one, edge_wait=0 * one,
                    rate_up=np.inf * one, rate_down=np.inf * one, rate_backhaul=np.inf * one,
                    lat_wireless=0 * one, lat_backhaul=0 * one)
    candidates, _ = random_candidates(np.random.default_rng(5), count, 6, n)
    want = [min(rows.tolist()) for rows in candidates]
    np.testing.assert_array_equal(fastest(chain, states, candidates), want)
