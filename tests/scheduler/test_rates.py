"""A transfer drains its bits at the rate in force at each moment: checked against a plain walk."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdoffload.scheduler.rates import StepRate


def walk(times, rates, period, start, bits):
    """The end of a transfer by walking segment after segment (laps repeated), no prefix sums."""
    edges = list(times) + ([period] if period is not None else [math.inf])
    lap = 0 if period is None else math.floor(start / period)
    base = lap * period if period is not None else 0.0
    k = max(i for i, s in enumerate(times) if s <= start - base)
    if period is not None:  # whole laps first, each delivering the same bits
        per_lap = sum(r * (b - a) for r, a, b in zip(rates, edges, edges[1:]))
        skip = max(math.floor(bits / per_lap) - 2, 0)
        base, bits = base + skip * period, bits - skip * per_lap
        start += skip * period
    t, left = start, bits
    while True:
        end = base + edges[k + 1]
        if rates[k] > 0 and left <= rates[k] * (end - t):
            return t + left / rates[k]
        left -= rates[k] * (end - t)
        t, k = end, k + 1
        if k == len(times):
            k, base = 0, base + period


segments = st.lists(st.tuples(st.floats(0.01, 5.0), st.sampled_from([0.0, 1e3, 5e5, 2e6, 3e7])),
                    min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(segments, st.booleans(), st.floats(0.0, 50.0), st.floats(1.0, 5e7))
def test_drain_end_equals_a_segment_walk(segs, periodic, start, bits):
    if not any(r for _, r in segs):
        segs = segs + [(1.0, 1e6)]
    times = [0.0]
    for span, _ in segs[:-1]:
        times.append(times[-1] + span)
    rates = [r for _, r in segs]
    period = times[-1] + segs[-1][0] if periodic else None
    if not periodic and rates[-1] == 0.0:
        rates[-1] = 1e6  # an open-ended rate must deliver in the end
    link = StepRate(times, rates, period)
    done = link.drain_end(start, bits)
    assert done == pytest.approx(walk(times, rates, period, start, bits), rel=1e-9, abs=1e-9)
    assert link.delivered(done) - link.delivered(start) == pytest.approx(
        bits, rel=1e-9, abs=1e-12 * link.delivered(done))


def test_a_constant_rate_is_plain_bits_over_rate():
    link = StepRate([0.0], [3e6])
    assert link.drain_end(12.5, 7e5) == 12.5 + 7e5 / 3e6
    assert link.drain_end(4.0, 0.0) == 4.0


def test_a_zero_stretch_is_a_stall():
    link = StepRate([0.0, 1.0, 3.0], [1e6, 0.0, 1e6])
    assert link.drain_end(0.5, 1e6) == pytest.approx(3.5)  # half before the stall, half after
    assert link.drain_end(1.5, 1e5) == pytest.approx(3.1)  # starts inside the stall: waits it out
    assert link.drain_end(0.5, 5e5) == pytest.approx(1.0)  # done as the stall begins, not after it


def test_a_periodic_rate_repeats_and_a_long_transfer_spans_laps():
    link = StepRate([0.0, 2.0], [1e6, 0.0], period=4.0)  # 2e6 bits per 4 s lap
    assert link.rate_at(5.0) == 1e6 and link.rate_at(7.0) == 0.0
    assert link.drain_end(1.0, 1e6) == pytest.approx(2.0)
    assert link.drain_end(1.0, 5e6) == pytest.approx(10.0)  # 1e6 by 2, 2e6 more by 6, the rest by 10
    assert link.drain_end(401.0, 1e5) == pytest.approx(401.1)


def test_a_periodic_rate_must_deliver_something():
    with pytest.raises(ValueError):
        StepRate([0.0, 1.0], [0.0, 0.0], period=2.0)
