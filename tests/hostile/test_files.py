"""A file's insides: every dataset, states file and checkpoint is checked where it is loaded.

Each class has a generator of hostile variants of one good file (a member missing, a wrong
shape or dtype, a value that is not finite, a header that lies about its size, ...); every
variant must be one InputError naming the file and the field, before anything large exists.
"""

from __future__ import annotations

import resource
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from kdoffload.model import dataset
from kdoffload.model.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from kdoffload.model.errors import InputError
from kdoffload.model.features import Normalizer, feature_recipe
from kdoffload.model.nets import NetConfig, OffloadMLP, student_config
from kdoffload.model.states import STATE_FIELDS
from kdoffload.model.states_file import load_states
from kdoffload.model.train import TrainConfig


def savez(path: Path, arrays: dict) -> Path:
    np.savez(path, **arrays)
    return path


def lying_header(path: Path, member: str, shape: tuple) -> Path:
    """`path` with `member`'s .npy header claiming `shape` while its bytes stay few."""
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    header = {"descr": "<f8", "fortran_order": False, "shape": shape}
    fake = np.lib.format.magic(1, 0) + _header_bytes(header)
    members[f"{member}.npy"] = fake + b"\0" * 64
    out = path.with_name("lying-" + path.name)
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out


def _header_bytes(header: dict) -> bytes:
    text = repr(header).encode("latin1")
    pad = 64 - (10 + len(text) + 1) % 64
    body = text + b" " * pad + b"\n"
    return len(body).to_bytes(2, "little") + body


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


# ---- datasets ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def good_dataset(tmp_path_factory, chain6) -> tuple[Path, dict]:
    out = dataset.generate(chain6, 64, 0, tmp_path_factory.mktemp("data") / "d.npz")
    with np.load(out) as z:
        return out, {k: z[k] for k in z.files}


def dataset_variants(arrays: dict):
    """(what, the field the error must name, arrays)."""
    def changed(key, value):
        return {**arrays, key: value}

    for key in ("features", "labels", "optimal_delay", "cycles", "f_device", "meta"):
        yield f"{key} missing", key, {k: v for k, v in arrays.items() if k != key}
    for key in ("features", "labels", "cycles", "f_device", "optimal_delay"):
        yield f"{key} one row short", key, changed(key, arrays[key][:-1])
    yield "features one column short", "features", changed("features", arrays["features"][:, :-1])
    yield "features as float64", "features", changed("features", arrays["features"].astype(np.float64))
    yield "labels as float", "labels", changed("labels", arrays["labels"].astype(np.float32))
    yield "label 3", "labels", changed("labels", np.where(arrays["labels"] == 0, 3, arrays["labels"]).astype(np.int8))
    for key in ("features", "optimal_delay", "cycles", "rate_up", "edge_wait"):
        bad = arrays[key].copy()
        bad.flat[5] = np.nan
        yield f"NaN in {key}", key, changed(key, bad)
    bad = arrays["f_device"].copy()
    bad[3] = 1e-308
    yield "f_device 1e-308 (an infinite compute time)", "f_device", changed("f_device", bad)
    yield "meta not JSON", "meta", changed("meta", np.array("{not json"))
    yield "meta nested 5000 deep", "meta", changed("meta", np.array("[" * 5000 + "]" * 5000))
    yield "empty", "labels", {k: (v[:0] if v.ndim else v) for k, v in arrays.items()}


def test_every_hostile_dataset_is_one_line_naming_the_field(good_dataset, tmp_path):
    path, arrays = good_dataset
    assert len(dataset.load(path)) == 64
    for k, (what, field, variant) in enumerate(dataset_variants(arrays)):
        bad = savez(tmp_path / f"bad{k}.npz", variant)
        with pytest.raises(InputError) as err:
            dataset.load(bad)
        message = str(err.value)
        assert str(bad) in message and field in message and "\n" not in message, (what, message)


def test_a_header_that_lies_about_its_size_is_refused_before_allocation(good_dataset, tmp_path):
    path, arrays = good_dataset
    before = peak_rss_gib()
    for member in ("features", "cycles"):
        bad = lying_header(savez(tmp_path / "d.npz", arrays), member, (10**9, 40))
        with pytest.raises(InputError, match=f"lying-d.npz: member {member}.npy: its header declares"):
            dataset.load(bad)
        if member in STATE_FIELDS:  # a states file reads the state fields alone
            with pytest.raises(InputError, match="its header declares"):
                load_states(bad, dataset.load(path).profile)
    assert peak_rss_gib() - before < 1, "a lying header was allocated"


def test_a_test_set_with_nan_cannot_reach_a_manifest(good_dataset, tmp_path):
    """export reads its test set through dataset.load: the NaN stops there, before any manifest."""
    _, arrays = good_dataset
    features = arrays["features"].copy()
    features[0, 0] = np.nan
    with pytest.raises(InputError, match="features: row 0 holds a value that is not finite"):
        dataset.load(savez(tmp_path / "test.npz", {**arrays, "features": features}))


# ---- states files -----------------------------------------------------------------------------

def test_states_whose_derived_times_overflow_are_one_line(good_dataset, tmp_path, chain6):
    _, arrays = good_dataset
    for field, value in (("f_device", 1e-308), ("rate_up", 1e-300), ("f_cloud", 5e-324)):
        states = {f: arrays[f] for f in STATE_FIELDS}
        states[field] = states[field].copy()
        states[field][2] = value
        with pytest.raises(InputError, match=rf"s.npz: {field}: state 2 holds .* more than 1e\+30"):
            load_states(savez(tmp_path / "s.npz", states), chain6)


# ---- checkpoints ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def good_checkpoint(chain6) -> Checkpoint:
    torch.manual_seed(0)
    width = len(feature_recipe(chain6))
    net = OffloadMLP(student_config(width, chain6.n))
    return Checkpoint.start("student", chain6, net, Normalizer(np.zeros(width), np.ones(width)), TrainConfig())


def checkpoint_variants(good: Checkpoint):
    """(what, the field the error must name, payload)."""
    payload = good.to_payload()

    def changed(**fields):
        return {**payload, **fields}

    def weights(name, tensor):
        return {**payload["best_state"], name: tensor}

    first = "body.0.weight"
    w = payload["best_state"][first]
    yield "hidden [40000, 40000]", "net_config.hidden", changed(net_config={**payload["net_config"], "hidden": [40000, 40000]})
    yield "a billion parameters", "net_config.hidden", changed(net_config={**payload["net_config"], "hidden": [8000] * 16})
    yield "hidden not integers", "net_config", changed(net_config={**payload["net_config"], "hidden": ["wide"]})
    yield "wrong subtask count", "net_config", changed(net_config={**payload["net_config"], "n_subtasks": 7})
    yield "NaN weight", first, changed(best_state=weights(first, w.clone().fill_(float("nan"))))
    yield "inf bias", "body.0.bias", changed(best_state=weights("body.0.bias", torch.full_like(payload["best_state"]["body.0.bias"], float("inf"))))
    yield "weight of the wrong shape", first, changed(best_state=weights(first, w[:, :-1].clone()))
    yield "weight as float64", first, changed(best_state=weights(first, w.double()))
    yield "a layer missing", "best_state", changed(best_state={k: v for k, v in payload["best_state"].items() if k != first})
    width = len(payload["normalizer"]["std"])
    yield "std zero", "normalizer.std", changed(normalizer={"mean": [0.0] * width, "std": [0.0] * width})
    yield "std NaN", "normalizer.std", changed(normalizer={"mean": [0.0] * width, "std": [float("nan")] * width})
    yield "mean short", "normalizer.mean", changed(normalizer={"mean": [0.0], "std": [1.0] * width})


def test_every_hostile_checkpoint_is_one_line_before_a_network_exists(good_checkpoint, tmp_path, chain6):
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, good_checkpoint)
    assert load_checkpoint(path, "student", chain6).net() is not None
    before = peak_rss_gib()
    for what, field, payload in checkpoint_variants(good_checkpoint):
        torch.save(payload, path)
        for profile in (chain6, None):
            with pytest.raises(InputError) as err:
                load_checkpoint(path, "student", profile)
            message = str(err.value)
            assert str(path) in message and field in message and "\n" not in message, (what, message)
    assert peak_rss_gib() - before < 1, "a hostile header was allocated"


def test_the_parameter_bound_is_above_every_network_this_project_trains():
    from kdoffload.model.checkpoint import MAX_PARAMETERS
    from kdoffload.model.nets import TEACHER_HIDDEN

    teacher = OffloadMLP(NetConfig(64 * 3 + 9, 64, TEACHER_HIDDEN))
    assert teacher.parameter_count() * 10 < MAX_PARAMETERS
