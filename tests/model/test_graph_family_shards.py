"""A family dataset is the same bytes whatever the shard size: state k draws from (seed, k)."""

from __future__ import annotations

import json

import numpy as np

from kdoffload.model import graph_family
from kdoffload.model.parallel import serial
from kdoffload.model.profile import load_profile


def test_the_shard_size_does_not_change_the_file(tmp_path, monkeypatch):
    family = load_profile("daggen:n=4,n_max=7", allow_family=True)
    first = graph_family.generate_family(family, 40, 2, tmp_path / "a.npz", jobs=serial, solver="numpy")
    monkeypatch.setattr(graph_family, "SHARD_SIZE", 7)
    again = graph_family.generate_family(family, 40, 2, tmp_path / "b.npz", jobs=serial, solver="numpy")
    assert first.read_bytes() == again.read_bytes()


def test_the_node_budget_is_kept_in_the_meta(tmp_path):
    family = load_profile("daggen:n=5", allow_family=True)
    path = graph_family.generate_family(family, 3, 0, tmp_path / "f.npz", jobs=serial, solver="numpy",
                                        max_nodes=1000)
    with np.load(path) as z:
        assert json.loads(str(z["meta"]))["max_nodes"] == 1000 and z["certified"].all()
