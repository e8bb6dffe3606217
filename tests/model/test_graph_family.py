"""daggen families: reproducible graphs with the parameters' meaning, and per-state-graph datasets."""

from __future__ import annotations

import numpy as np
import pytest

from kdoffload.model import daggen
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.graph_family import edges_from_masks, generate_family, load_member, pred_masks
from kdoffload.model.graphs import levels
from kdoffload.model.parallel import serial
from kdoffload.model.profile import load_profile, profile_from_dict


def _graph(spec: str, seed: int = 0):
    params, _ = daggen.parse_spec(spec)
    return daggen.generate(params, np.random.default_rng(seed))


def test_same_seed_same_graph_and_the_shape_follows_the_parameters():
    assert _graph("daggen:n=30", 4) == _graph("daggen:n=30", 4) != _graph("daggen:n=30", 5)
    assert load_profile("daggen:n=7,fat=0,seed=1").is_chain  # width 1: one level per task
    assert _graph("daggen:n=9,fat=1").edges == ()  # one level as wide as the graph
    wide, thin = _graph("daggen:n=40,fat=0.9", 2), _graph("daggen:n=40,fat=0.3", 2)
    assert max(levels(wide)) < max(levels(thin))
    dense, sparse = _graph("daggen:n=40,density=1", 3), _graph("daggen:n=40,density=0", 3)
    assert len(dense.edges) > len(sparse.edges) and len(sparse.edges) == 40 - len(sparse.entries)


def test_ccr_sets_the_ratio_of_transfer_to_compute_time():
    graph = _graph("daggen:n=20,ccr=0.25")
    w = graph.workload
    ratio = (np.array(w.out_bits) / daggen.REFERENCE_RATE) / (np.array(w.cycles) / daggen.REFERENCE_CLOCK)
    assert np.allclose(ratio, 0.25)
    data = np.array(w.out_bits) / 8
    assert data.min() >= 1.25e3 and data.max() <= 1.25e6


@pytest.mark.parametrize("spec, message", [
    ("daggen:n=65", "n: must be from 1 to 64"), ("daggen:fat=2", "fat: must be in [0, 1]"),
    ("daggen:n=3.5", "n: must be an integer"), ("daggen:width=3", "width: unknown daggen parameter"),
    ("daggen:n=ten", "n: 'ten' is not a number"), ("daggen:n=5,seed=-1", "seed: must be a non-negative"),
    ("daggen:mindata=10,maxdata=5", "maxdata: must be from mindata"),
])
def test_bad_spec_is_one_line(spec, message):
    with pytest.raises(InputError) as err:
        load_profile(spec)
    assert str(err.value).startswith(spec) and message in str(err.value)


def test_a_family_is_refused_where_one_graph_is_needed():
    with pytest.raises(InputError, match="only `kdoffload graph demos` handles"):
        load_profile("daggen:n=8")
    family = load_profile("daggen:n=8", allow_family=True)
    assert family.family.n == 8 and family.name == load_profile("daggen:n=8", allow_family=True).name
    assert profile_from_dict(family.to_dict(), allow_family=True) == family


def test_family_toml_names_the_family(tmp_path):
    path = tmp_path / "fam.toml"
    path.write_text('name = "fam"\n[family]\nseed = 2\n[family.daggen]\nn = 9\nfat = 0.6\n'
                    '[spread]\ncycles = [0.8, 1.25]\n')
    profile = load_profile(path)
    assert profile.graph == _graph("daggen:n=9,fat=0.6", 2) and profile.spread.cycles == (0.8, 1.25)


def test_pred_masks_round_trip():
    graph = _graph("daggen:n=64,density=0.9,jump=3", 1)
    assert edges_from_masks(graph.n, pred_masks(graph)) == graph.edges


def test_family_dataset_stores_each_state_with_its_graph(tmp_path):
    family = load_profile("daggen:n=7,fat=0.6", allow_family=True)
    path = generate_family(family, 24, 3, tmp_path / "f.npz", jobs=serial, solver="numpy")
    again = generate_family(family, 24, 3, tmp_path / "g.npz", jobs=serial, solver="numpy")
    assert path.read_bytes() == again.read_bytes()
    with np.load(path) as z:
        assert z["labels"].shape == (24, 64) and np.all(z["labels"][:, 7:] == -1)
        assert np.all(z["n_subtasks"] == 7) and np.all(z["cycles"][:, 7:] == 0)
        assert len({z["pred_mask"][k].tobytes() for k in range(24)}) > 1  # graphs differ per state
    for k in (0, 11, 23):
        profile, state, labels, optimal = load_member(path, k)
        assert delays(profile, state, labels[None, :])[0] == optimal


def test_family_dataset_refuses_what_it_cannot_solve(tmp_path):
    with pytest.raises(InputError, match="more than the 12"):
        generate_family(load_profile("daggen:n=20", allow_family=True), 4, 0, tmp_path / "f.npz",
                        jobs=serial, solver="numpy")
    with pytest.raises(InputError, match="not a family"):
        generate_family(load_profile("dag10"), 4, 0, tmp_path / "f.npz", jobs=serial)
