"""The data job through a recording reporter: what it writes, and all it says."""

from __future__ import annotations

from kdoffload.jobs import data
from kdoffload.jobs.reporter import RecordingReporter
from kdoffload.model import dataset
from kdoffload.model.profile import load_profile


def test_the_data_job_writes_the_dataset_and_says_its_summary(tmp_path):
    reporter = RecordingReporter()
    out = tmp_path / "demos.npz"
    path = data.run(data.DataConfig(load_profile("chain6"), 40, 3, out, workers=1, solver="numpy"), reporter)
    assert path == out and len(dataset.load(out)) == 40
    [summary] = reporter.shown
    assert summary.startswith(f"{out}: 40 states;") and "beats the best trivial policy" in summary
    assert reporter.bars == [("chain6 demonstrations", 40)] and reporter.notes == []


def test_a_split_is_made_once_then_reused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    reporter = RecordingReporter()
    profile = load_profile("chain6")
    first = data.ensure_dataset(profile, "test", reporter, samples=30, workers=1)
    stamp = first.stat().st_mtime_ns
    assert data.ensure_dataset(profile, "test", reporter, samples=30, workers=1) == first
    assert first.stat().st_mtime_ns == stamp and len(reporter.bars) == 1
