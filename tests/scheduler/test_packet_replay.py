"""The fluid link of the executor against a packet-level replay of the same Mahimahi trace.

The executor drains bits at the rate of the trace, the replay moves whole 1500-byte packets on
the trace's delivery opportunities. They must agree within one packet: the fluid transfer of
b bits ends no earlier than the replay's of b - one opportunity's packets and no later than the
replay's of b + one opportunity's packets.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdoffload.model.delay import DOWN, UP
from kdoffload.model.policies import Everywhere
from kdoffload.model.profile import EDGE
from kdoffload.model.states import sample_states
from kdoffload.scheduler.engines import DecisionTime, Engine
from kdoffload.scheduler.stream import Scenario, Workload, simulate
from kdoffload.scheduler.traces import TraceFiles, TraceFormat, opportunity_rate
from tests.scheduler.packet_replay import PACKET_BITS, most_at_one_instant, packet_finish


def schedule(gaps: list[int]) -> list[int]:
    """Delivery times (ms) from gaps between lines; a gap of 0 is another packet at that ms."""
    stamps = np.cumsum(gaps).tolist()
    return stamps if stamps[-1] > 0 else stamps[:-1] + [1]


# Gaps: mostly 0-3 ms (several packets a ms to a few Mbit/s), sometimes a stall of up to 3 s.
gaps = st.lists(st.one_of(st.integers(0, 3), st.integers(0, 3), st.integers(200, 3000)),
                min_size=1, max_size=300)


def assert_within_one_opportunity(stamps, start, bits, done):
    slack = most_at_one_instant(stamps) * PACKET_BITS
    assert packet_finish(stamps, start, bits - slack) <= done + 1e-9
    assert done <= packet_finish(stamps, start, bits + slack) + 1e-9


@settings(max_examples=150, deadline=None)
@given(gaps, st.floats(0.0, 20.0), st.floats(1.0, 3e6))
def test_a_transfer_ends_when_the_packet_replay_says_within_one_packet(gap_list, start, bits):
    stamps = schedule(gap_list)
    done = opportunity_rate(stamps).drain_end(start, bits)
    assert_within_one_opportunity(stamps, start, bits, done)


def test_one_packet_a_ms_is_12_mbit_per_second_and_agrees_packet_for_packet():
    stamps = list(range(1, 1001))  # one packet every ms, for a second, repeated
    link = opportunity_rate(stamps)
    assert link.rate_at(0.5) == pytest.approx(PACKET_BITS * 1000)
    rng = np.random.default_rng(0)
    for start, packets in zip(rng.uniform(0, 30, 200), rng.integers(1, 5000, 200)):
        done = link.drain_end(start, packets * PACKET_BITS)
        # The fluid link starts with the part of the current ms that is left, and ends inside the ms
        # of the replay's last packet: less than one ms (one packet's time) apart.
        assert abs(packet_finish(stamps, start, packets * PACKET_BITS) - done) < 1e-3 + 1e-9


def test_a_task_stream_on_a_mahimahi_trace_agrees_with_the_replay_hop_by_hop(chain6, tmp_path):
    rng = np.random.default_rng(4)
    up = np.cumsum(rng.choice([0, 1, 2, 2, 5, 900], size=4000)).tolist()
    down = np.cumsum(rng.choice([0, 0, 1, 1, 3, 400], size=4000)).tolist()
    files = []
    for name, stamps in (("up.mahi", up), ("down.mahi", down)):
        (tmp_path / name).write_text("".join(f"{ms}\n" for ms in stamps))
        files.append(tmp_path / name)
    scenario = Scenario(trace=TraceFiles(up=files[0], down=files[1], format=TraceFormat.mahimahi))
    states = sample_states(chain6, 30, np.random.default_rng(5))
    states.lat_wireless[:] = 0.0  # the replay has no propagation delay: compare the links alone
    workload = Workload(np.sort(rng.uniform(0, 60, 30)), states, 61.0)
    result = simulate(chain6, Engine("all-edge", Everywhere(chain6, EDGE)), workload,
                      DecisionTime("zero"), scenario)
    bits = {UP: states.in_bits[:, 0], DOWN: states.out_bits[:, -1]}  # all-edge: input up, result down
    for link, stamps in ((UP, up), (DOWN, down)):
        hops = result.log.links[link]
        assert len(hops) == 30
        for task, _, begin, end in hops:
            assert_within_one_opportunity(stamps, begin, float(bits[link][task]), end)
