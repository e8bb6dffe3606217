"""The certified solve in datasets and training: gap and certificate per state, recorded,
checked where loaded, and uncertified states left out of training by default."""

import numpy as np
import pytest

from kdoffload.model import dataset, exact, native
from kdoffload.model.errors import InputError
from kdoffload.model.train import Split
from tests.conftest import states_for


def test_numpy_and_native_certified_solves_agree(dag10):
    if not native.available():
        pytest.skip(f"{native.library_path()} missing ({native.BUILD_HINT})")
    states = states_for(dag10, 20, 3)
    by_numpy = exact.solve_certified(dag10, states, solver="numpy")
    by_native = exact.solve_certified(dag10, states, solver="native")
    np.testing.assert_array_equal(by_numpy.labels, by_native.labels)
    np.testing.assert_array_equal(by_numpy.delay, by_native.delay)
    assert by_native.certified.all() and (by_native.gap == 0).all()


def test_numpy_refuses_a_graph_beyond_its_reach():
    from kdoffload.model.profile import Profile
    big = Profile("big", 13, tuple((i, i + 2) for i in range(11)))
    with pytest.raises(InputError, match="native"):
        exact.solve_certified(big, states_for(big, 1, 0), solver="numpy")


@pytest.fixture
def uncertified_shard(dag10, monkeypatch):
    """A shard solved under a budget too small to finish every state."""
    if not native.available():
        pytest.skip(f"{native.library_path()} missing ({native.BUILD_HINT})")
    monkeypatch.setattr(exact, "DEFAULT_BUDGET", exact.Budget(max_nodes=40))
    return dataset.make_shard(dag10.to_dict(), 4, 0, 64, "native")


def test_a_dataset_records_each_states_certificate(uncertified_shard):
    certified, gap = uncertified_shard["certified"], uncertified_shard["gap"]
    assert certified.any() and not certified.all()
    assert (gap[certified] == 0).all() and (gap[~certified] >= 0).all() and (gap <= 1).all()


def test_training_leaves_uncertified_states_out(uncertified_shard):
    certified = uncertified_shard["certified"]
    split = Split.of(len(certified), 0.25, 0).within(certified)
    assert certified[split.train].all() and certified[split.val].all()
    assert len(split.train) + len(split.val) == certified.sum()


def test_a_certificate_that_contradicts_itself_is_refused(tmp_path, chain6):
    path = dataset.generate(chain6, 50, 0, tmp_path / "d.npz")
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["gap"][3] = 0.5  # but certified
    dataset._atomic_savez(path, arrays)
    with pytest.raises(InputError, match="gap: row 3"):
        dataset.load(path)
    del arrays["gap"]
    dataset._atomic_savez(path, arrays)
    with pytest.raises(InputError, match="certified without gap"):
        dataset.load(path)
