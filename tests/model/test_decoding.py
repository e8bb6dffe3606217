import itertools

import numpy as np
from hypothesis import given, settings, strategies as st

from kdoffload.model.decoding import argmax_placements, guarded, log_softmax, topk_placements, verified_topk
from kdoffload.model.delay import delays
from tests.conftest import states_for


@given(n=st.integers(1, 6), k=st.integers(1, 30), seed=st.integers(0, 2**31))
def test_topk_is_the_exact_top_k_of_the_product_distribution(n, k, seed):
    logits = np.random.default_rng(seed).normal(size=(3, n, 3)) * 3
    got, scores = topk_placements(logits, k)
    logp = log_softmax(logits)
    every = np.array(list(itertools.product(range(3), repeat=n)))
    for b in range(len(logits)):
        full = logp[b, np.arange(n), every].sum(axis=1)
        want = np.sort(full)[::-1][:min(k, 3**n)]
        np.testing.assert_allclose(scores[b], want, rtol=1e-9, atol=1e-12)  # in order, the best ones
        assert len({tuple(x) for x in got[b]}) == len(got[b])  # distinct
        np.testing.assert_array_equal(got[b, 0], argmax_placements(logits)[b])


def test_verified_topk_is_never_worse_than_argmax_or_all_local(chain6, dag10):
    for profile in (chain6, dag10):
        states = states_for(profile, 500, seed=3)
        logits = np.random.default_rng(0).normal(size=(500, profile.n, 3)) * 2
        chosen = delays(profile, states, verified_topk(profile, states, logits, 8))
        argmax = delays(profile, states, argmax_placements(logits))
        local = delays(profile, states, np.zeros((500, profile.n), dtype=np.int8))
        assert np.all(chosen <= argmax) and np.all(chosen <= local)


def test_more_candidates_never_hurt(chain6):
    states = states_for(chain6, 300, seed=4)
    logits = np.random.default_rng(1).normal(size=(300, 6, 3))
    previous = None
    for k in (1, 2, 4, 8, 16):
        cost = delays(chain6, states, verified_topk(chain6, states, logits, k))
        if previous is not None:
            assert np.all(cost <= previous)
        previous = cost


def test_k_beyond_the_number_of_placements_is_capped():
    logits = np.zeros((1, 2, 3))
    got, _ = topk_placements(logits, 100)
    assert got.shape == (1, 9, 2)


def _any_ranges(profile, scale: dict):
    """The profile with each range moved by its factor: states the validation accepts, any scale."""
    r = profile.ranges
    moved = {key: tuple(v * scale[key] for v in getattr(r, key)) for key in scale}
    return profile.with_ranges(**moved)


RANGE_KEYS = ("f_device", "f_edge", "f_cloud", "edge_wait", "cycles", "out_bits", "in_bits",
              "bandwidth", "distance", "rate_backhaul", "lat_backhaul", "lat_wireless")


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(["chain6", "dag10"]), seed=st.integers(0, 2**31),
       k=st.integers(1, 12), exponents=st.lists(st.floats(-3, 3), min_size=12, max_size=12),
       logit_scale=st.floats(0.01, 20))
def test_guarded_is_never_worse_than_greedy_or_any_single_site(name, seed, k, exponents, logit_scale):
    from kdoffload.model.policies import Greedy
    from kdoffload.model.profile import load_profile
    from kdoffload.model.states import sample_states

    base = load_profile(name)
    profile = _any_ranges(base, {key: 10.0 ** e for key, e in zip(RANGE_KEYS, exponents)})
    rng = np.random.default_rng(seed)
    states = sample_states(profile, 40, rng)
    logits = rng.normal(size=(40, base.n, 3)) * logit_scale
    chosen = delays(base, states, guarded(base, states, logits, k))
    rivals = [Greedy(base).decide(states), verified_topk(base, states, logits, k)]
    rivals += [np.full((40, base.n), site, dtype=np.int8) for site in range(3)]
    for placements in rivals:
        assert np.all(chosen <= delays(base, states, placements))


def _busy(count: int, seed: int) -> np.ndarray:
    busy = np.random.default_rng(seed).uniform(0.0, 3.0, (count, 3))
    busy[: count // 4] = 0.0  # some phones idle
    return busy


def test_scoring_behind_queues_starts_every_resource_after_its_backlog(chain6, dag10):
    for profile in (chain6, dag10):
        states, busy = states_for(profile, 400, seed=7), _busy(400, 8)
        x = np.random.default_rng(9).integers(0, 3, (400, profile.n)).astype(np.int8)
        idle = delays(profile, states, x)
        behind = delays(profile, states, x, busy)
        zero = busy.sum(axis=1) == 0
        np.testing.assert_array_equal(behind[zero], idle[zero])  # nothing queued: the delay model's T
        # a fixed placement's list schedule only moves later, and by no more than the longest queue
        assert np.all(behind >= idle) and np.all(behind <= idle + busy.max(axis=1) + 1e-9)
        assert (behind[~zero] > idle[~zero]).mean() > 0.5
        local = np.zeros_like(x)
        np.testing.assert_allclose(delays(profile, states, local, busy),
                                   delays(profile, states, local) + busy[:, 0], rtol=1e-12)


def test_guarded_behind_queues_is_never_worse_than_greedy_or_any_single_site_behind_them(chain6):
    from kdoffload.model.policies import Greedy

    states, busy = states_for(chain6, 300, seed=10), _busy(300, 11)
    logits = np.random.default_rng(12).normal(size=(300, chain6.n, 3)) * 2
    chosen = delays(chain6, states, guarded(chain6, states, logits, 8, busy=busy), busy)
    rivals = [Greedy(chain6).decide(states)] + [np.full((300, chain6.n), s, dtype=np.int8) for s in range(3)]
    for rival in rivals:
        assert np.all(chosen <= delays(chain6, states, rival, busy))
    # the queues change what is fastest: scored from an idle phone, some choices differ
    assert (guarded(chain6, states, logits, 8) != guarded(chain6, states, logits, 8, busy=busy)).any(axis=1).sum() > 0
