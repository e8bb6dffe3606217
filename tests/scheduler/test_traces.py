"""Trace readers: Mahimahi schedules, throughput logs, the CSV; every bad file one line with its line."""

import pytest

from kdoffload.model.errors import InputError
from kdoffload.scheduler.traces import (PACKET_BITS, TraceFiles, TraceFormat, read_csv_trace, read_mahimahi,
                              read_throughput)


def write(tmp_path, text, name="trace.txt"):
    path = tmp_path / name
    path.write_text(text) if isinstance(text, str) else path.write_bytes(text)
    return path


def test_a_mahimahi_schedule_spreads_each_instant_over_the_gap_before_it(tmp_path):
    link = read_mahimahi(write(tmp_path, "1\n1\n3\n"))  # two packets at 1 ms, one at 3 ms, 3 ms long
    assert link.period == pytest.approx(0.003)
    assert link.rate_at(0.0005) == pytest.approx(2 * PACKET_BITS / 0.001)
    assert link.rate_at(0.002) == pytest.approx(PACKET_BITS / 0.002)
    assert link.delivered(0.003) == pytest.approx(3 * PACKET_BITS)
    assert link.rate_at(0.0035) == link.rate_at(0.0005)  # and it repeats


def test_a_mahimahi_time_0_counts_with_the_end_of_the_lap(tmp_path):
    link = read_mahimahi(write(tmp_path, "0\n2\n4\n"))  # the next lap's 0 is this lap's 4
    assert link.rate_at(0.001) == pytest.approx(PACKET_BITS / 0.002)
    assert link.rate_at(0.003) == pytest.approx(2 * PACKET_BITS / 0.002)


def test_a_throughput_log_counts_from_its_first_line_in_mbit_per_second(tmp_path):
    link = read_throughput(write(tmp_path, "# time throughput\n100 1.5\n101,2\n\n102.0\t0\n"))
    assert [link.rate_at(t) for t in (0.5, 1.5, 2.5)] == [1.5e6, 2e6, 0.0]
    assert link.period == pytest.approx(3.0)  # the last sample holds as long as the one before
    assert link.drain_end(0.0, 4e6) == pytest.approx(3.0 + 0.5 / 1.5)  # 3.5e6 a lap, then 0.5e6


def test_trace_files_take_one_csv_or_one_file_per_direction(tmp_path):
    csv = write(tmp_path, "time_s,rate_up,rate_down\n0,1e6,4e6\n", "t.csv")
    up, down = TraceFiles(csv=csv).load()
    assert (up.rate_at(9.0), down.rate_at(9.0)) == (1e6, 4e6)
    log = write(tmp_path, "0 1\n1 3\n", "t.log")
    up, down = TraceFiles(up=log, down=log, format=TraceFormat.throughput).load()
    assert up.rate_at(1.5) == down.rate_at(1.5) == 3e6
    assert TraceFiles(up=log, down=log).describe()["trace_format"] == "mahimahi"
    with pytest.raises(InputError, match="give one of them"):
        TraceFiles(csv=csv, up=log, down=log)
    with pytest.raises(InputError, match="trace_up: give trace_up and trace_down together"):
        TraceFiles(up=log)


@pytest.mark.parametrize("reader, text, words", [
    (read_mahimahi, "1\n5\n3\n", ["line 3", "before 5 ms"]),
    (read_mahimahi, "1\n2.5\n", ["line 2", "'2.5' is not a whole number of ms"]),
    (read_mahimahi, "1\n-4\n", ["line 2", "'-4'"]),
    (read_mahimahi, "\n\n", ["no delivery times"]),
    (read_mahimahi, "0\n0\n", ["lasts 0 ms"]),
    (read_mahimahi, b"1\n\xff\n", ["not UTF-8"]),
    (read_throughput, "0 1\n1 2 3\n", ["line 2", "3 values, expected 2"]),
    (read_throughput, "0 1\n1 fast\n", ["line 2", "throughput: 'fast' is not a number"]),
    (read_throughput, "0 1\n0 2\n", ["line 2", "time 0.0 is not after 0.0"]),
    (read_throughput, "0 1\n1 -2\n", ["line 2", "positive or 0"]),
    (read_throughput, "0 1\n1 1e-9\n", ["line 2", "below 1 bit/s"]),
    (read_throughput, "0 0\n1 0\n", ["every rate is 0"]),
    (read_throughput, "0 inf\n", ["line 1", "not finite"]),
    (read_throughput, "# nothing\n", ["no samples"]),
    (read_csv_trace, "time_s,rate_up,rate_down\n0,-1e6,4e6\n", ["line 2", "rate_up", "positive or 0"]),
    (read_csv_trace, "time_s,rate_up,rate_down\n0,0.5,4e6\n", ["line 2", "rate_up", "below 1 bit/s"]),
    (read_csv_trace, "time_s,rate_up,rate_down\n0,0,4e6\n1,0,4e6\n", ["rate_up", "every rate is 0"]),
    (read_csv_trace, "time_s,rate_up,rate_down\n-1,1e6,4e6\n", ["line 2", "time_s", "negative"]),
    (read_csv_trace, "time_s,rate_up,rate_down\n0,,4e6\n", ["line 2", "rate_up", "missing"]),
    (read_csv_trace, "time_s,rate_up,rate_down\n0,1e6\n", ["line 2", "2 values"]),
    (read_csv_trace, "time_s,rate_up,rate_down\n0,1e6,4e6\n1,1e6,4e6\n1,2e6,4e6\n", ["line 4", "increase"]),
    (read_csv_trace, "time_s,rate_up,rate_down,snr\n0,1e6,4e6,3\n", ["unknown column 'snr'"]),
    (read_csv_trace, "time_s,rate_up\n0,1e6\n", ["'rate_down' missing"]),
    (read_csv_trace, "time_s,rate_up,rate_down\n", ["no rows"]),
    (read_csv_trace, "time_s,rate_up,rate_down\n0,abc,4e6\n", ["'abc' is not a number"]),
])
def test_a_bad_trace_names_its_file_and_line(tmp_path, reader, text, words):
    with pytest.raises(InputError) as err:
        reader(write(tmp_path, text))
    message = str(err.value)
    assert "trace.txt" in message and "\n" not in message
    for word in words:
        assert word in message


def test_a_missing_trace_file_is_named(tmp_path):
    with pytest.raises(InputError, match="nowhere.txt: no such trace file"):
        read_mahimahi(tmp_path / "nowhere.txt")
