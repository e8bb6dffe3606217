"""The processes to train on (Markov-modulated, Gauss–Markov with outages, 3G- and LTE-like) and
the trace files they are written as."""

import numpy as np
import pytest

from kdoffload.model.delay import UP
from kdoffload.scheduler.network import make_network
from kdoffload.scheduler.trace_writer import mahimahi_stamps, write_csv, write_mahimahi, write_throughput
from kdoffload.scheduler.traces import PACKET_BITS, read_mahimahi, read_throughput

NEW_KINDS = ["markov", "gauss-markov-outages", "3g", "lte"]


def uplink(network, seconds, step=0.05):
    return np.array([network.rates_at(t)[0] for t in np.arange(0.0, seconds, step)])


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_a_process_is_its_seed_whatever_order_it_is_asked_in(chain6, kind):
    times = np.linspace(0, 300, 3001)
    a, b = make_network(kind, chain6, 11), make_network(kind, chain6, 11)
    forward = [a.rates_at(t) for t in times]
    assert forward == [b.rates_at(t) for t in times[::-1]][::-1]
    other = make_network(kind, chain6, 12)
    assert forward != [other.rates_at(t) for t in times]


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_every_process_has_near_outages_that_last(chain6, kind):
    rates = uplink(make_network(kind, chain6, 2), 1200.0)
    low = rates < 0.05 * np.median(rates)
    assert 0.01 < low.mean() < 0.3
    # stretches: runs of consecutive low samples, 50 ms each
    edges = np.flatnonzero(np.diff(np.concatenate(([0], low.astype(int), [0]))))
    lengths = (edges[1::2] - edges[::2]) * 0.05
    assert lengths.mean() > 0.5 and lengths.max() > 2.0


def test_the_3g_and_lte_shapes_sit_where_those_networks_do(chain6):
    assert 0.5e6 < np.median(uplink(make_network("3g", chain6, 1), 600.0)) < 2e6
    assert 8e6 < np.median(uplink(make_network("lte", chain6, 1), 600.0)) < 30e6


@pytest.mark.parametrize("kind", ["markov", "3g"])
def test_a_written_csv_replays_the_process(chain6, kind, tmp_path):
    process = make_network(kind, chain6, 4)
    replay = make_network("static", chain6, 0, write_csv(process, 120.0, tmp_path / "t.csv"))
    for start, bits in [(0.2, 3e5), (17.0, 8e6), (60.5, 4e7)]:
        assert replay.drain_end(UP, start, bits) == pytest.approx(process.drain_end(UP, start, bits),
                                                                  rel=1e-6, abs=1e-5)


def test_a_written_mahimahi_trace_delivers_what_the_fluid_link_does(chain6, tmp_path):
    process = make_network("lte", chain6, 6)
    path = write_mahimahi(process, UP, 60.0, tmp_path / "up.mahi")
    replay = read_mahimahi(path)
    assert replay.period == 60.0
    for start, bits in [(0.5, 2e5), (12.3, 3e6), (33.0, 5e7)]:
        fluid = process.drain_end(UP, start, bits)
        # the replay is behind by at most one packet at each ms, and on the ms grid
        slack = 2 * PACKET_BITS / min(process.rates_at(t)[0] for t in (start, fluid)) + 0.002
        assert abs(replay.drain_end(start, bits) - fluid) < slack
    assert len(mahimahi_stamps(process, UP, 60.0)) == len(path.read_text().split())


def test_a_written_throughput_log_holds_each_seconds_bits(chain6, tmp_path):
    process = make_network("3g", chain6, 8)
    log = read_throughput(write_throughput(process, UP, 30.0, tmp_path / "up.log"))
    up = process.links[0]
    for t in (1.0, 7.0, 29.0):
        assert log.delivered(t) == pytest.approx(up.delivered(t), rel=1e-5, abs=10.0)


def test_the_budget_counts_the_grid_of_every_gridded_process(chain6):
    from kdoffload.scheduler.budget import estimate
    from kdoffload.scheduler.engines import DecisionTime

    for kind, gridded in [("3g", True), ("gauss-markov-outages", True), ("markov", False)]:
        events = estimate(chain6, 10, 1000.0, 1, DecisionTime("zero"), kind, None).events
        assert (events > 1000.0 / 0.05) == gridded


def test_the_trace_command_writes_what_simulate_reads(tmp_path, capsys):
    from bench import write_trace

    write_trace.main(["--network", "lte", "--seconds", "20", "--format", "throughput",
                      "--out", str(tmp_path / "lte")])
    assert "lte-up.log" in capsys.readouterr().out
    assert read_throughput(tmp_path / "lte-down.log").period == 20.0
    with pytest.raises(SystemExit) as done:
        write_trace.main(["--network", "wifi", "--out", str(tmp_path / "x")])
    assert done.value.code == 2 and "unknown kind 'wifi'" in capsys.readouterr().err
