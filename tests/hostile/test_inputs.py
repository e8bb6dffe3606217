"""Classes of bad input, each refused where it enters: one line, exit 2, nothing changed."""

from __future__ import annotations

import numpy as np
import pytest

from kdoffload.model import dataset
from kdoffload.model.profile import CONFIG_DIR, load_profile


@pytest.mark.parametrize("args, needle", [
    (["data", "--seed", "-1"], "--seed"),
    (["data", "--samples", "0"], "--samples"),
    (["data", "--samples", "100000000000"], "GiB"),
    (["data", "--workers", "0"], "--workers"),
    (["train", "--epochs", "0"], "--epochs"),
    (["train", "--epochs", "-1"], "--epochs"),
    (["train", "--regret-weight", "nan"], "--regret-weight"),
    (["train", "--augment-log-scale", "inf"], "--augment-log-scale"),
    (["distill", "--temperature", "nan"], "--temperature"),
    (["distill", "--temperature", "0"], "--temperature"),
    (["distill", "--alpha", "1.5"], "--alpha"),
    (["ablation", "--seed", "-3", "--seed", "1"], "--seed"),
    (["simulate", "--rate", "nan"], "--rate"),
    (["simulate", "--duration", "-5"], "--duration"),
    (["simulate", "--rate", "1e6", "--duration", "1e6"], "tasks expected"),
    (["simulate", "--tasks", "0", "--sweep-rate"], "--tasks"),
    (["bench", "latency", "--cpu", "4096"], "--cpu"),
    (["robustness", "--states", "0"], "--states"),
    (["robustness", "--regime", "no-such-regime"], "no-such-regime"),
    (["evaluate", "--top-k", "0"], "--top-k"),
])
def test_numbers_are_checked_where_they_enter(refused, args, needle):
    refused(*args, needle=needle)


def test_an_output_that_cannot_be_written_is_refused_before_work(refused, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "a_file").write_text("x")
    refused("data", "--samples", "10", "--out", "taken", needle="is a directory")
    refused("data", "--samples", "10", "--out", "a_file/inside.npz", needle="is a file")
    refused("data", "--samples", "10", "--out", "demos.csv", needle=".npz")
    np.savez(tmp_path / "old.npz", x=np.ones(3))
    refused("data", "--samples", "10", "--out", "old.npz", needle="already exists")


@pytest.mark.parametrize("change, needle", [
    (("noise_dbm_per_hz = -174.0", "noise_dbm_per_hz = 1e300"), "noise_dbm_per_hz"),
    (("edge_cores = 2", "edge_cores = 1000000000000"), "edge_cores"),
    (("distance = [50.0, 1000.0]", "distance = [50.0, 1e9]"), "distance"),
    (("tx_power = 0.2", "tx_power = 1e-300"), "uplink rate zero"),
    (("cycles = [1e7, 2e9]", "cycles = [1e7, inf]"), "cycles"),
    (("lat_wireless = [0.001, 0.01]", "lat_wireless = [0.01, 0.001]"), "lat_wireless"),
])
def test_a_profile_that_would_overflow_is_refused(refused, tmp_path, change, needle):
    text = (CONFIG_DIR / "chain6.toml").read_text()
    assert change[0] in text
    (tmp_path / "p.toml").write_text(text.replace(*change))
    refused("data", "--profile", "p.toml", "--samples", "10", needle=needle)


def test_files_that_are_not_what_they_claim(refused, tmp_path):
    data = tmp_path / "runs" / "chain6" / "data"
    data.mkdir(parents=True)
    (data / "test.npz").write_bytes(b"PK\x03\x04 torn zip")
    refused("evaluate", "--profile", "chain6", needle="test.npz")
    wide = load_profile("chain6").with_ranges(f_device=(0.1e9, 9e9))
    (data / "test.npz").unlink()
    dataset.generate(wide, 20, 0, data / "test.npz")
    refused("evaluate", "--profile", "chain6", needle="other ranges")
    (tmp_path / "states.csv").write_text("cycles_0\n1e9\n")
    refused("evaluate", "--profile", "chain6", "--states", "states.csv", needle="column")
    (tmp_path / "latin.csv").write_bytes("caf\xe9\n1\n".encode("latin-1"))
    refused("evaluate", "--profile", "chain6", "--states", "latin.csv", needle="UTF-8")
