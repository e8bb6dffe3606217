"""Trace readers on files with the traits of published traces (tests/scheduler/trace_files/README.md):
Pensieve's cooked logs, Oboe's, Mahimahi's schedules, line ends of any system; and the refusals of
files in formats that are not these."""

from pathlib import Path

import pytest

from kdoffload.model.errors import InputError
from kdoffload.scheduler.traces import (PACKET_BITS, TraceFiles, TraceFormat, read_csv_trace, read_mahimahi,
                                        read_throughput)

FILES = Path(__file__).parent / "trace_files"


def test_a_cooked_log_is_tab_separated_seconds_and_mbit_per_second():
    link = read_throughput(FILES / "cooked_tabs.log")
    # 1.5 Mbit/s from 0 to 2.0 s, ..., the last (2.0) as long as the gap before it (1.5 s)
    assert [link.rate_at(t) for t in (1.0, 3.0, 4.0, 5.5)] == pytest.approx([1.5e6, 0.8e6, 0.5e6, 2e6])
    assert link.period == pytest.approx(5.0 + 1.5)
    assert link.delivered(2.0) == pytest.approx(1.5e6 * 2.0)


def test_a_pensieve_log_spends_each_sample_over_the_interval_up_to_its_time(tmp_path):
    # Pensieve's sim/env.py: bytes of sample k = throughput[k] x (time[k] - time[k-1]); the lap
    # ends at the last time, and the first sample (at 0) is never spent
    up, down = TraceFiles(up=FILES / "cooked_tabs.log", down=FILES / "cooked_tabs.log",
                          format=TraceFormat.pensieve).load()
    assert [up.rate_at(t) for t in (1.0, 3.0, 4.0)] == pytest.approx([0.8e6, 0.5e6, 2e6])
    assert up.period == pytest.approx(5.0)
    assert up.delivered(5.0) == pytest.approx(0.8e6 * 2.0 + 0.5e6 * 1.5 + 2e6 * 1.5)
    assert down.rate_at(5.5) == pytest.approx(0.8e6)  # and it repeats
    one = tmp_path / "one.log"
    one.write_text("0 3\n")
    with pytest.raises(InputError, match="one.log: one sample; a Pensieve log needs two"):
        read_throughput(one, ending=True)
    stalled = tmp_path / "stalled.log"
    stalled.write_text("0 3\n1 0\n")
    with pytest.raises(InputError, match="stalled.log: throughput: every rate after the first is 0"):
        read_throughput(stalled, ending=True)


def test_a_log_that_starts_late_counts_from_its_first_time():
    link = read_throughput(FILES / "late_start.txt")
    assert link.rate_at(0.1) == pytest.approx(6e6)  # 0.25 s is the trace's 0
    assert link.rate_at(0.6) == pytest.approx(5e6)  # 0.8 - 0.25 = 0.55 s on
    assert link.period == pytest.approx(1.4 - 0.25 + (1.4 - 0.8))


def test_repeated_mahimahi_times_are_several_packets_and_0_joins_the_lap_end():
    link = read_mahimahi(FILES / "opportunities.up")  # 0 1 1 1 3 3 5: 7 packets a 5 ms lap
    assert link.period == pytest.approx(0.005)
    assert link.period_bits == pytest.approx(7 * PACKET_BITS)
    assert link.rate_at(0.0005) == pytest.approx(3 * PACKET_BITS / 0.001)
    assert link.rate_at(0.004) == pytest.approx(2 * PACKET_BITS / 0.002)  # 5 and the next lap's 0


@pytest.mark.parametrize("reader, name", [(read_throughput, "cooked_tabs.log"),
                                          (read_mahimahi, "opportunities.up")])
@pytest.mark.parametrize("ending", [b"\r\n", b"\r"])
def test_windows_and_old_mac_line_ends_read_alike(tmp_path, reader, name, ending):
    text = (FILES / name).read_bytes()
    other = tmp_path / name
    other.write_bytes(text.replace(b"\n", ending))
    a, b = reader(FILES / name), reader(other)
    assert (list(a.times), list(a.rates), a.period) == (list(b.times), list(b.rates), b.period)


def test_a_csv_with_windows_line_ends_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbftime_s,rate_up,rate_down\r\n0,1e6,4e6\r\n2,2e6,8e6\r\n\r\n")
    up, down = read_csv_trace(path)
    assert (up.rate_at(3.0), down.rate_at(1.0)) == (2e6, 4e6)


@pytest.mark.parametrize("reader, name, words", [
    (read_csv_trace, "gnettrack_style.csv", ["gnettrack_style.csv: unknown column 'Timestamp'"]),
    (read_throughput, "six_columns.log", ["six_columns.log: line 1: 6 values, expected 2"]),
    (read_mahimahi, "cooked_tabs.log", ["cooked_tabs.log: line 1: '0.0\\t1.5' is not a whole number of ms"]),
])
def test_a_file_of_another_format_is_one_line_naming_it(reader, name, words):
    with pytest.raises(InputError) as err:
        reader(FILES / name)
    assert "\n" not in str(err.value) and all(w in str(err.value) for w in words), str(err.value)
