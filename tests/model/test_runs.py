"""`Runs`, the one owner of the runs/<profile>/ layout: every artifact at its documented path."""

from pathlib import Path

import pytest

from kdoffload.model.runs import NETWORKS, Runs


def test_default_root_and_profile_dir():
    runs = Runs("chain6")
    assert runs.root == Path("runs") and runs.dir == Path("runs/chain6")


def test_every_path_under_the_profile_dir(tmp_path):
    runs = Runs("dag10", tmp_path)
    base = tmp_path / "dag10"
    assert runs.data("train") == base / "data" / "train.npz"
    assert runs.data("shifted") == base / "data" / "shifted.npz"
    assert runs.checkpoint("teacher") == base / "teacher" / "checkpoint.pt"
    assert runs.checkpoint("student") == base / "student" / "checkpoint.pt"
    assert runs.checkpoint("student-nokd") == base / "student" / "nokd" / "checkpoint.pt"
    assert runs.export == base / "export"
    assert runs.report == base / "report"
    assert runs.bench == base / "bench"
    assert runs.phone_states == base / "android" / "bench_states.json"
    assert runs.sim == base / "sim"
    assert runs.ablation == base / "ablation"
    assert runs.sweep_file == base / "student" / "sweep.json"


def test_the_hard_label_student_is_where_the_sweep_writes_it(tmp_path):
    # distill/student.py's sweep writes <student dir>/nokd/checkpoint.pt
    runs = Runs("chain6", tmp_path)
    assert runs.checkpoint("student-nokd") == runs.network_dir("student") / "nokd" / "checkpoint.pt"


def test_loss_compare_dirs_are_named_by_the_shortest_weight():
    runs = Runs("chain6")
    assert runs.loss_compare(1.0) == Path("runs/chain6/loss_compare/regret1")
    assert runs.loss_compare(0.5) == Path("runs/chain6/loss_compare/regret0.5")
    assert runs.loss_compare(0.0) == Path("runs/chain6/loss_compare/regret0")


def test_networks_are_the_known_three():
    assert set(NETWORKS) == {"teacher", "student", "student-nokd"}
    with pytest.raises(KeyError):
        Runs("chain6").checkpoint("professor")


def test_runs_is_a_value():
    assert Runs("chain6", Path("x")) == Runs("chain6", Path("x"))
    assert len({Runs("chain6"), Runs("chain6"), Runs("dag10")}) == 2


def test_each_seed_has_its_own_folder(tmp_path):
    runs = Runs("chain6", tmp_path)
    assert runs.seed_dir(3) == tmp_path / "chain6" / "seeds" / "seed3"
    assert runs.seed_checkpoint(3, "teacher") == runs.seed_dir(3) / "teacher" / "checkpoint.pt"
    assert runs.seed_checkpoint(3, "student") == runs.seed_dir(3) / "student" / "checkpoint.pt"
    assert runs.seed_checkpoint(3, "student-fixed-teacher").parent != runs.seed_checkpoint(3, "student").parent
    assert runs.seed_dir(3) != runs.seed_dir(30)
