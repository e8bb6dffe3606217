"""Demonstrations from streams: what the phone saw at each decision, labelled in hindsight."""

import numpy as np
import pytest

from kdoffload.model import dataset
from kdoffload.model.errors import InputError
from kdoffload.model.features import build_features
from kdoffload.model.profile import load_profile
from kdoffload.scheduler import trace_demos as td


def test_a_stream_file_is_a_dataset_with_its_raw_observations(tmp_path):
    profile = load_profile("chain6-dyn")
    plan = td.StreamPlan(networks=("good-bad",), task_rates=(2.0,), tasks_per_stream=25, explore=0.0)
    out = td.generate(profile, plan, tmp_path / "streams.npz")
    demos = dataset.load(out)
    seen = td.load_observation(out)
    assert len(demos) == len(seen) == 25 and demos.features.shape == (25, 31)
    np.testing.assert_array_equal(demos.features, build_features(profile, demos.states, seen))
    assert (seen.backlog_device > 0).any() or (seen.backlog_up > 0).any()  # 2 tasks/s: queues build
    # Each label is the hindsight optimum the stream then ran: recorded the same when run again.
    again = td.record_stream(profile, "good-bad", 2.0, td.SEED_BASE, plan)
    assert np.array_equal(np.asarray(again.labels), demos.labels)


def test_still_demos_join_with_their_own_rates_and_nothing_queued(tmp_path):
    profile = load_profile("chain6-dyn")
    plan = td.StreamPlan(networks=("gauss-markov",), task_rates=(0.5,), tasks_per_stream=10)
    streams = td.generate(profile, plan, tmp_path / "streams.npz")
    still = dataset.generate(profile, 50, 0, tmp_path / "still.npz")
    mixed = td.with_still_demos(profile, streams, still, tmp_path / "train.npz")
    demos, seen = dataset.load(mixed), td.load_observation(mixed)
    assert len(demos) == 60 and (seen.backlog_up[10:] == 0).all()
    assert (seen.rate_up_history[10:] == demos.states.rate_up[10:, None]).all()


def test_a_profile_without_observations_is_refused(tmp_path):
    with pytest.raises(InputError, match="no observation recipe"):
        td.generate(load_profile("chain6"), td.StreamPlan(tasks_per_stream=2), tmp_path / "x.npz")
