"""distill/student.py on a tiny dataset: the sweep's files, and its choice checked from them."""

import numpy as np
import pytest
import torch

from kdoffload.distill.loss import UNLABELLED
from kdoffload.distill.student import DistillConfig, student_data, sweep
from kdoffload.model import dataset
from kdoffload.model.metrics import delay_ratio
from kdoffload.model.decoding import argmax_placements
from kdoffload.model.nets import STUDENT_HIDDEN
from kdoffload.model.profile import load_profile
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.train import TrainConfig, train_teacher

GRID = DistillConfig(temperatures=(1.0, 4.0), alphas=(0.5, 0.9),
                     train=TrainConfig(epochs=2, batch_size=64, lr=3e-3, threads=1, regret_weight=1.0))


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """300 solved chain6 states, a teacher trained one epoch on them, and the sweep run once."""
    root = tmp_path_factory.mktemp("distill")
    profile = load_profile("chain6")
    demos = dataset.load(dataset.generate(profile, 300, 0, root / "train.npz"))
    teacher = train_teacher(profile, demos, TrainConfig(epochs=1, batch_size=64, threads=1), root / "teacher")
    out = root / "student"
    scores = sweep(profile, demos, teacher, GRID, out)
    return profile, demos, load_checkpoint(teacher, "teacher", profile), out, scores


def val_mean_ratio(demos, checkpoint, val) -> float:
    """A student checkpoint's validation score, recomputed from the file alone."""
    val = np.asarray(val)
    net = checkpoint.net()
    x = torch.from_numpy(checkpoint.normalizer(demos.features[val]))
    with torch.inference_mode():
        placements = argmax_placements(net(x).numpy())
    return float(delay_ratio(demos, placements, val).mean())


def student(path, profile):
    return load_checkpoint(path, "student", profile)


def test_the_sweep_writes_every_member_the_selection_and_nokd(setup):
    profile, _, _, out, scores = setup
    members = {p.parent.name for p in (out / "sweep").glob("*/checkpoint.pt")}
    assert members == {"T1_a0.5", "T1_a0.9", "T4_a0.5", "T4_a0.9"}
    assert (out / "checkpoint.pt").is_file() and (out / "nokd" / "checkpoint.pt").is_file()
    nokd = load_checkpoint(out / "nokd" / "checkpoint.pt", "student", profile)
    assert nokd.extra["distill"]["alpha"] == 0.0
    assert [(m["temperature"], m["alpha"]) for m in scores["sweep"]] == [(1, .5), (1, .9), (4, .5), (4, .9)]


def test_the_selected_student_is_the_best_on_validation(setup):
    profile, demos, teacher, out, scores = setup
    val = teacher.extra["split"]["val"]
    recomputed = {}
    for m in scores["sweep"]:
        path = out / "sweep" / f"T{m['temperature']:g}_a{m['alpha']:g}" / "checkpoint.pt"
        recomputed[(m["temperature"], m["alpha"])] = val_mean_ratio(demos, student(path, profile), val)
        assert m["val_mean_ratio"] == pytest.approx(recomputed[(m["temperature"], m["alpha"])], rel=1e-6)
    best = min(recomputed, key=lambda key: (recomputed[key], key))
    chosen = scores["selected"]
    assert (chosen["temperature"], chosen["alpha"]) == best
    assert chosen["val_mean_ratio"] == pytest.approx(recomputed[best], rel=1e-6)
    selected = student(out / "checkpoint.pt", profile)
    assert (selected.extra["distill"]["temperature"], selected.extra["distill"]["alpha"]) == best
    assert val_mean_ratio(demos, selected, val) == pytest.approx(recomputed[best], rel=1e-6)
    nokd = student(out / "nokd" / "checkpoint.pt", profile)
    assert scores["nokd_val_mean_ratio"] == pytest.approx(val_mean_ratio(demos, nokd, val), rel=1e-6)


def test_students_are_small_and_share_the_teachers_normaliser(setup):
    profile, _, teacher, out, _ = setup
    checkpoint = load_checkpoint(out / "checkpoint.pt", "student", profile)
    assert checkpoint.net().config.hidden == STUDENT_HIDDEN
    assert checkpoint.normalizer.to_dict() == teacher.normalizer.to_dict()
    assert checkpoint.train_config["epochs"] == 2


def test_student_rows_never_include_the_teachers_validation(setup):
    profile, demos, teacher, _, _ = setup
    data = student_data(profile, demos, teacher)
    val = np.asarray(teacher.extra["split"]["val"])
    np.testing.assert_array_equal(data.val_rows, val)
    assert not np.intersect1d(data.train_rows, val).size
    np.testing.assert_array_equal(np.union1d(data.train_rows, val), np.arange(len(demos)))
    assert data.teacher_logits.shape == (len(demos), profile.n, 3) and data.regret is None


def test_a_transfer_set_adds_unlabelled_training_rows(setup):
    profile, demos, teacher, _, _ = setup
    plain = student_data(profile, demos, teacher)
    soft = student_data(profile, demos, teacher, transfer_samples=40, with_regret=True)
    assert len(soft.x) == len(demos) + 40
    torch.testing.assert_close(soft.x[:len(demos)], plain.x)
    assert (soft.labels[len(demos):] == UNLABELLED).all()
    np.testing.assert_array_equal(soft.train_rows[-40:], len(demos) + np.arange(40))
    np.testing.assert_array_equal(soft.val_rows, plain.val_rows)
    assert (soft.regret[len(demos):] == 0).all() and (soft.regret[:len(demos)] > 0).any()
    hard = student_data(profile, demos, teacher, transfer_samples=40, transfer_targets="hard")
    np.testing.assert_array_equal(hard.labels[len(demos):], hard.teacher_logits[len(demos):].argmax(-1))
    torch.testing.assert_close(hard.x, soft.x)  # the same seeded draw


@pytest.mark.slow
def test_the_sweep_on_two_processes_trains_the_same_students(setup, tmp_path):
    from kdoffload.model.parallel import process_pool

    profile, demos, _, out, scores = setup
    teacher = out.parent / "teacher" / "checkpoint.pt"
    pooled = sweep(profile, demos, teacher, GRID, tmp_path / "pooled", jobs=process_pool(2))
    assert pooled == scores
    for member in ("checkpoint.pt", "nokd/checkpoint.pt", "sweep/T4_a0.9/checkpoint.pt"):
        a, b = (load_checkpoint(root / member, "student", profile).best_state for root in (out, tmp_path / "pooled"))
        assert all(torch.equal(a[k], b[k]) for k in a), member
