import json

import numpy as np
import pytest
from typer.testing import CliRunner

from kdoffload.cli import app
from kdoffload.model import dataset
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.profile import load_profile
from kdoffload.model.states import STATE_FIELDS


def test_identical_for_one_and_two_workers(tmp_path, chain6):
    one = dataset.generate(chain6, 9000, 3, tmp_path / "one.npz", workers=1)
    two = dataset.generate(chain6, 9000, 3, tmp_path / "two.npz", workers=2)
    assert one.read_bytes() == two.read_bytes()


def test_format_is_the_documented_one(tmp_path, chain6):
    path = dataset.generate(chain6, 500, 0, tmp_path / "d.npz")
    with np.load(path) as z:
        assert set(z.files) == {"features", "labels", "optimal_delay", "gap", "certified", "meta", *STATE_FIELDS}
        assert z["certified"].dtype == np.bool_ and z["certified"].all() and (z["gap"] == 0).all()
        assert z["features"].dtype == np.float32 and z["features"].shape[0] == 500
        assert z["labels"].dtype == np.int8 and z["labels"].shape == (500, 6)
        assert z["optimal_delay"].dtype == np.float64
        assert z["cycles"].shape == (500, 6) and z["f_edge"].shape == (500,)
        meta = json.loads(str(z["meta"]))
    assert meta["seed"] == 0 and meta["samples"] == 500
    assert meta["profile"]["graph"]["n"] == 6 and meta["versions"]["numpy"]
    demos = dataset.load(path)
    np.testing.assert_array_equal(delays(chain6, demos.states, demos.labels), demos.optimal_delay)


def test_a_killed_run_resumes_from_its_shards(tmp_path, chain6):
    out = tmp_path / "d.npz"
    shard_dir = tmp_path / "d.npz.shards"
    shard_dir.mkdir()
    # What a run killed after its first shard leaves behind.
    key = dataset._shard_key(chain6.to_dict(), 5, 0, dataset.SHARD_SIZE)
    dataset._atomic_savez(shard_dir / "shard-00000.npz", dataset.make_shard(chain6.to_dict(), 5, 0, dataset.SHARD_SIZE))
    assert dataset._cached(shard_dir / "shard-00000.npz", key, dataset.SHARD_SIZE)
    seen = []
    dataset.generate(chain6, 6000, 5, out, progress=lambda done, total: seen.append(done))
    assert seen[0] == dataset.SHARD_SIZE  # the cached shard counted before any work
    fresh = dataset.generate(chain6, 6000, 5, tmp_path / "fresh.npz")
    assert out.read_bytes() == fresh.read_bytes()
    assert not shard_dir.exists()


def test_refuses_to_overwrite_without_force(tmp_path, chain6):
    out = tmp_path / "d.npz"
    out.write_bytes(b"precious")
    result = CliRunner().invoke(app, ["data", "--samples", "10", "--out", str(out)])
    assert result.exit_code == 2 and "already exists" in result.output
    assert out.read_bytes() == b"precious"
    result = CliRunner().invoke(app, ["data", "--samples", "10", "--out", str(out), "--force", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert dataset.load(out).labels.shape == (10, 6)


@pytest.mark.parametrize("bad,message", [(["--samples", "0"], "--samples"), (["--workers", "0"], "--workers")])
def test_bad_counts(tmp_path, bad, message):
    result = CliRunner().invoke(app, ["data", "--out", str(tmp_path / "d.npz"), *bad])
    assert result.exit_code == 2 and message in result.output


def test_load_rejects_a_foreign_file(tmp_path):
    path = tmp_path / "x.npz"
    np.savez(path, a=np.zeros(3))
    with pytest.raises(InputError, match="not a kdoffload dataset"):
        dataset.load(path)


@pytest.mark.parametrize("name,count", [("chain6", 20000), ("dag10", 400)])
def test_default_profiles_meet_the_label_bar(tmp_path, name, count):
    demos = dataset.load(dataset.generate(load_profile(name), count, 0, tmp_path / "d.npz", workers=2))
    summary = dataset.summary(demos)
    assert min(summary["label_share"].values()) >= 0.10, summary
    assert summary["beats_best_trivial"] >= 0.50, summary
