import math

import numpy as np
import pytest

from kdoffload.model.errors import InputError
from kdoffload.model.delay import DOWN, UP
from kdoffload.scheduler.network import DynamicNetwork, GaussMarkov, GoodBad, RateStatistics, load_trace, make_network


def write(tmp_path, text, name="trace.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_trace_replays_step_by_step_and_then_repeats(tmp_path):
    trace = load_trace(write(tmp_path, "time_s,rate_up,rate_down\n0,1e6,4e6\n2.5,2e6,5e6\n10,3e5,1e6\n"))
    assert trace.rates_at(0.0) == (1e6, 4e6)
    assert trace.rates_at(2.4999) == (1e6, 4e6)
    assert trace.rates_at(2.5) == (2e6, 5e6)
    assert trace.rates_at(17.4) == (3e5, 1e6)  # the last row holds as long as the one before it
    assert trace.rates_at(17.5) == (1e6, 4e6)  # and then the trace starts again
    assert trace.rates_at(17.5 * 4 + 3.0) == (2e6, 5e6)


def test_a_transfer_drains_across_the_rows_of_a_trace(tmp_path):
    trace = load_trace(write(tmp_path, "time_s,rate_up,rate_down\n0,1e6,4e6\n1,0,4e6\n3,2e6,4e6\n"))
    assert trace.drain_end(UP, 0.5, 1.5e6) == pytest.approx(3.5)  # 0.5e6 by 1, a stall, 1e6 at 2e6/s
    assert trace.drain_end(DOWN, 0.5, 4e6) == pytest.approx(1.5)
    assert trace.rates_at(2.0) == (1.0, 4e6)  # a decision reads a stalled link as 1 bit/s


def test_trace_columns_may_come_in_any_order(tmp_path):
    trace = load_trace(write(tmp_path, "rate_down,time_s,rate_up\n4e6,1,1e6\n"))
    assert trace.rates_at(0.0) == (1e6, 4e6)  # before the first row: the first row


def test_gauss_markov_matches_the_profile_and_is_correlated(dag10):
    stats = RateStatistics.of(dag10)
    process = DynamicNetwork.of("gauss-markov", GaussMarkov(stats, seed=1, corr_time=2.0, step=0.05))
    logs = np.log([process.rates_at(0.05 * k)[0] for k in range(100_000)])
    assert logs.mean() == pytest.approx(stats.mean_log, abs=0.15)
    assert logs.std() == pytest.approx(stats.std_log, rel=0.1)
    lag = 20  # 1 s apart: correlation exp(-1/2)
    corr = np.corrcoef(logs[:-lag], logs[lag:])[0, 1]
    assert corr == pytest.approx(math.exp(-0.5), abs=0.05)
    down, up = process.rates_at(3.0)[1], process.rates_at(3.0)[0]
    assert down / up == pytest.approx(stats.down_up)


def test_good_bad_alternates_and_repeats(dag10):
    stats = RateStatistics.of(dag10)
    a, b = (DynamicNetwork.of("good-bad", GoodBad(stats, seed=5)) for _ in range(2))
    times = np.linspace(0, 200, 4001)
    ups = [a.rates_at(t)[0] for t in times]
    assert len(set(ups)) == 2 and ups[0] == max(ups)
    assert ups == [b.rates_at(t)[0] for t in reversed(times)][::-1]  # query order does not matter


@pytest.mark.parametrize("kind", ["gauss-markov", "good-bad"])
def test_a_process_transfer_drains_what_its_rates_integrate_to(dag10, kind):
    network = make_network(kind, dag10, 3)
    for start, bits in [(0.3, 2e5), (7.1, 5e7), (40.0, 3e8)]:
        done = network.drain_end(UP, start, bits)
        # Integrate the process's own steps over the transfer, each step's rate times its overlap.
        up = network.links[0]
        starts, rates = np.array(up.times), np.array(up.rates)
        ends = np.append(starts[1:], np.inf)
        overlap = np.clip(np.minimum(ends, done) - np.maximum(starts, start), 0.0, None)
        assert float(np.sum(rates * overlap)) == pytest.approx(bits, rel=1e-9)


def test_make_network_refuses_two_sources(dag10, tmp_path):
    path = write(tmp_path, "time_s,rate_up,rate_down\n0,1e6,4e6\n")
    assert make_network("static", dag10, 0, path).name == "trace"
    with pytest.raises(InputError, match="a trace: give one of them"):
        make_network("good-bad", dag10, 0, path)
    with pytest.raises(InputError, match="unknown kind 'wifi'"):
        make_network("wifi", dag10, 0)
