"""The guarded decision's scorer (native/src/replay_scorer.cpp) against the delay model: every T
it returns equals delays()' bit for bit, and it gives up (+inf) only where the delay model's T
cannot win (T > beat for a candidate, T >= beat for a flip), on random graphs, placements,
moves, flips and beats, ties included. And the guarded decision where the edge's wait is
longer than the best T (no edge core is then a finish T has to reach)."""

import ctypes

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kdoffload.model import native
from kdoffload.model.delay import delays
from kdoffload.model.profile import load_profile
from tests.conftest import random_dag, states_for
from tests.native.test_graph_decoder import assert_ports_agree
from tests.native.test_random_graphs import tied_states


def replay_score(profile, states, k, candidates, start, moves, beat):
    """kdo_replay_score: (scored [C], flipped [2N], current T)."""
    fn = native._lib().kdo_replay_score
    fn.restype = ctypes.c_int
    struct, keep = native._states(profile, states)
    n = profile.n
    candidates = np.ascontiguousarray(candidates, dtype=np.int8).reshape(-1, n)
    start = np.ascontiguousarray(start, dtype=np.int8)
    moves = np.ascontiguousarray(np.asarray(moves, dtype=np.int32).reshape(-1, 2))
    scored, flipped, current = np.empty(len(candidates)), np.empty(2 * n), ctypes.c_double()
    ptr = lambda a, t: a.ctypes.data_as(ctypes.POINTER(t))  # noqa: E731
    native._check(fn(ctypes.c_void_p(native._profile(profile).handle), ctypes.byref(struct),
                     ctypes.c_int64(k), ptr(candidates, ctypes.c_int8), ctypes.c_int64(len(candidates)),
                     ptr(start, ctypes.c_int8), ptr(moves, ctypes.c_int32), ctypes.c_int(len(moves)),
                     ctypes.c_double(beat), ptr(scored, ctypes.c_double), ptr(flipped, ctypes.c_double),
                     ctypes.byref(current)))
    return scored, flipped, current.value


def one_flips(placement):
    """Flip 2i + r: subtask i to the r-th of its two other sites, lower first: [2N, N]."""
    out = []
    for i, site in enumerate(placement):
        for other in sorted({0, 1, 2} - {int(site)}):
            flip = placement.copy()
            flip[i] = other
            out.append(flip)
    return np.array(out, dtype=np.int8)


def exact_T(profile, states, k, placements):
    placements = np.asarray(placements, dtype=np.int8).reshape(-1, profile.n)
    return delays(profile, states[np.full(len(placements), k)], placements)


def assert_scores(found, exact, beat, gives_up_below):
    """Each found T is exact, or +inf where the exact T cannot beat `beat`."""
    kept = np.isfinite(found)
    np.testing.assert_array_equal(found[kept], exact[kept])
    dropped = exact[~kept]
    assert (dropped > beat).all() if not gives_up_below else (dropped >= beat).all()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 30), seed=st.integers(0, 2**31 - 1), daggen=st.booleans(), tied=st.booleans(),
       beat_rule=st.sampled_from(["current", "inf", "tighter", "looser", "best-candidate"]))
def test_the_scorer_equals_the_delay_model(n, seed, daggen, tied, beat_rule):
    rng = np.random.default_rng(seed)
    profile = (load_profile(f"daggen:n={n},seed={seed % 1000}") if daggen
               else random_dag(rng, n, int(rng.integers(1, 4))))
    states = tied_states(profile, 1, rng) if tied else states_for(profile, 1, seed)
    # Candidates that share prefixes of every length (the scorer replays from the first
    # difference), and repeats.
    candidates = [rng.integers(0, 3, n)]
    for _ in range(7):
        nxt = candidates[-1].copy() if rng.random() < 0.7 else candidates[0].copy()
        cut = int(rng.integers(0, n))
        nxt[cut:] = rng.integers(0, 3, n - cut)
        candidates.append(nxt)
    candidates = np.array(candidates, dtype=np.int8)
    start = rng.integers(0, 3, n).astype(np.int8)
    moves = [(int(rng.integers(0, n)), int(rng.integers(0, 3))) for _ in range(int(rng.integers(0, 4)))]
    moved = start.copy()
    for i, site in moves:
        moved[i] = site
    current = float(exact_T(profile, states, 0, moved)[0])
    candidate_T = exact_T(profile, states, 0, candidates)
    beat = {"current": current, "inf": np.inf, "tighter": current * 0.97, "looser": current * 1.03,
            "best-candidate": float(candidate_T.min())}[beat_rule]
    scored, flipped, reported = replay_score(profile, states, 0, candidates, start, moves, beat)
    assert reported == current
    assert_scores(scored, candidate_T, beat, gives_up_below=False)
    assert_scores(flipped, exact_T(profile, states, 0, one_flips(moved)), beat, gives_up_below=True)
    if beat == np.inf:
        assert np.isfinite(scored).all() and np.isfinite(flipped).all()


def test_an_edge_wait_longer_than_every_placement_without_the_edge():
    """With the edge's cores busy past T, placements on the device and the cloud decide: the
    scorer must not count the idle cores' free time as a finish."""
    rng = np.random.default_rng(3)
    for n in (6, 10, 16):
        profile = load_profile(f"daggen:n={n},seed={n}")
        states = states_for(profile, 6, n)
        states.edge_wait[:] = 1e3
        logits = rng.normal(size=(6, n, 3))
        logits[:, :, 0] += 4.0  # a guide that favours the device: the search must find the cloud
        assert_ports_agree(profile, states, logits)
