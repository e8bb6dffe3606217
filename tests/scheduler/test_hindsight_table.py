"""The dynamic-network table's command on a short run: every network, every policy, the figure."""

import json

import pytest

from bench import dynamic_table
from kdoffload.scheduler.dynamic_table import POLICIES, PROCESSES


def test_a_short_table_has_every_network_and_policy(tmp_path, capsys):
    out = tmp_path / "dyn"
    dynamic_table.main(["--out", str(out), "--duration", "25", "--rate", "0.3", "--trace-seconds", "30"])
    record = json.loads((out / "dynamic.json").read_text())
    names = [n["name"] for n in record["networks"]]
    assert names[:len(PROCESSES)] == list(PROCESSES) and len(names) == len(PROCESSES) + 2
    for network in record["networks"]:
        assert [s["policy"] for s in network["summaries"]] == list(POLICIES)
    table = (out / "dynamic.md").read_text()
    assert table == capsys.readouterr().out and "Mean / hindsight's mean" in table
    assert table.count("| forecast |") == 2  # in both tables
    assert (out / "dynamic.png").stat().st_size > 10_000
    assert sorted(p.name for p in (out / "traces").iterdir()) == [
        "3g-down.mahi", "3g-up.mahi", "lte-down.log", "lte-up.log"]


def test_a_bad_option_is_one_line_and_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        dynamic_table.main(["--out", str(tmp_path / "x"), "--rate", "-1"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "rate -1" in err
