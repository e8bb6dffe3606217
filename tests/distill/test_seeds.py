"""Exact reproducibility (same seed, data and threads: the same bits) and `kdoffload seeds`."""

import json

import pytest
import torch
from typer.testing import CliRunner

from kdoffload.distill.seeds import SeedPlan, train_students
from kdoffload.distill.student import student_data, train_student
from kdoffload.jobs import budget as budgets
from kdoffload.cli import app
from kdoffload.model import dataset
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.errors import InputError
from kdoffload.model.parallel import serial
from kdoffload.model.profile import load_profile
from kdoffload.model.runs import Runs
from kdoffload.model.train import TrainConfig, run_finished, train_teacher

TEACHER = TrainConfig(epochs=2, batch_size=256, seed=5, threads=2, regret_weight=1.0)
STUDENT = TrainConfig(epochs=2, batch_size=256, seed=5, threads=1, regret_weight=1.0)


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "train.npz"
    return dataset.load(dataset.generate(load_profile("chain6"), 3000, 0, path))


@pytest.fixture(scope="module")
def teachers(demos, tmp_path_factory):
    """Seed 5 twice and seed 6 once, each in its own folder."""
    root = tmp_path_factory.mktemp("teachers")
    paths = {}
    for name, seed in (("a", 5), ("b", 5), ("other", 6)):
        cfg = TrainConfig(**{**TEACHER.__dict__, "seed": seed})
        paths[name] = train_teacher(demos.profile, demos, cfg, root / name)
    return paths


def _weights(path, kind):
    saved = load_checkpoint(path, kind)
    return {"best": saved.best_state, "last": saved.last_state}


def _bitwise_equal(a: dict, b: dict) -> bool:
    return all(a[part].keys() == b[part].keys() and
               all(torch.equal(a[part][k], b[part][k]) for k in a[part]) for part in a)


@pytest.mark.slow
def test_a_teacher_trained_twice_with_one_seed_has_the_same_bits(teachers):
    assert _bitwise_equal(_weights(teachers["a"], "teacher"), _weights(teachers["b"], "teacher"))
    a, b = load_checkpoint(teachers["a"], "teacher"), load_checkpoint(teachers["b"], "teacher")
    assert [h["val_score"] for h in a.history] == [h["val_score"] for h in b.history]


@pytest.mark.slow
def test_another_seed_gives_another_teacher(teachers):
    assert not _bitwise_equal(_weights(teachers["a"], "teacher"), _weights(teachers["other"], "teacher"))


def _student(demos, teacher_path, cfg, path):
    data = student_data(demos.profile, demos, load_checkpoint(teacher_path, "teacher"), 500, 3,
                        with_regret=True)
    train_student(demos.profile, demos, data, 2.0, 0.9, cfg, path)
    return _weights(path, "student")


@pytest.mark.slow
def test_a_student_distilled_twice_with_one_seed_has_the_same_bits(demos, teachers, tmp_path):
    first = _student(demos, teachers["a"], STUDENT, tmp_path / "first.pt")
    again = _student(demos, teachers["b"], STUDENT, tmp_path / "again.pt")
    assert _bitwise_equal(first, again)
    other = _student(demos, teachers["a"], TrainConfig(**{**STUDENT.__dict__, "seed": 6}), tmp_path / "other.pt")
    assert not _bitwise_equal(first, other)


@pytest.mark.slow
def test_students_as_jobs_have_the_bits_of_students_trained_here(demos, teachers, tmp_path):
    plan = SeedPlan((5, 6), False, TEACHER, STUDENT, 2.0, 0.9, 200)
    paths = {}
    for where, jobs in (("here", None), ("jobs", serial)):
        runs = Runs("chain6", tmp_path / where)
        paths[where] = train_students(demos.profile, demos, plan, runs, {5: teachers["a"], 6: teachers["other"]}, jobs)
    for seed in plan.seeds:
        assert _bitwise_equal(_weights(paths["here"][seed], "student"), _weights(paths["jobs"][seed], "student"))
    assert not _bitwise_equal(_weights(paths["here"][5], "student"), _weights(paths["here"][6], "student"))


@pytest.mark.slow
def test_a_finished_run_is_recognised_and_other_settings_are_refused(teachers):
    assert run_finished(teachers["a"], "teacher", TEACHER)
    longer = TrainConfig(**{**TEACHER.__dict__, "epochs": 3})
    with pytest.raises(InputError, match="trained with other settings"):
        run_finished(teachers["a"], "teacher", longer)
    assert not run_finished(teachers["a"].parent / "absent.pt", "teacher", TEACHER)


@pytest.mark.slow
def test_fit_resumed_on_a_finished_run_returns_at_once(demos, teachers):
    before = teachers["a"].stat().st_mtime_ns, _weights(teachers["a"], "teacher")
    train_teacher(demos.profile, demos, TEACHER, teachers["a"].parent, resume=True,
                  on_epoch=lambda epoch, record: pytest.fail(f"epoch {epoch} trained again"))
    assert teachers["a"].stat().st_mtime_ns == before[0]
    assert _bitwise_equal(_weights(teachers["a"], "teacher"), before[1])


@pytest.mark.parametrize("args, message", [
    ([], "at least two seeds"),
    (["--seeds", "3"], "at least two seeds"),
    (["--seeds", "1", "2", "1"], "seed 1 given twice"),
    (["--seeds", "0", "-4"], "-4"),
    (["--seeds", "0", "x"], "Invalid value for 'SEED'"),
    (["4", "5"], "seeds follow --seeds"),
])
def test_a_bad_seed_list_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["seeds", *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.replace("│", " ").split())  # typer may box a usage error
    assert not (tmp_path / "runs").exists()  # refused before any work


TINY = budgets.Budget(train_samples=1500, test_samples=300, teacher_epochs=2, student_epochs=2,
                       transfer_samples=300)


@pytest.mark.slow
@pytest.mark.parametrize("fixed", [False, True])
def test_seeds_end_to_end_and_a_rerun_trains_nothing(tmp_path, monkeypatch, fixed):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(budgets.BUDGETS, "default", {"chain6": TINY, "dag10": TINY})
    runner = CliRunner()
    args = ["seeds", "--seeds", "0", "1", *(["--fixed-teacher"] if fixed else [])]
    result = runner.invoke(app, ["distill", "--temperature", "2", "--alpha", "0.9"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report_dir = tmp_path / "runs/chain6/report"
    text = (report_dir / "seeds.md").read_text()
    first = text.splitlines()[0]
    assert "300 test states" in first and "seeds 0, 1" in first and "threads" in first
    assert ("fixed teacher" in first) == fixed
    rows = {line.split(" | ")[0][2:] for line in text.splitlines() if line.startswith("| ") and " ± " in line}
    assert rows == {"teacher", "teacher+top8", "teacher+guarded", "student", "student+top8", "student+guarded"}
    report = json.loads((report_dir / "seeds.json").read_text())
    assert set(report["per_seed"]) == {"0", "1"}
    students = [report["per_seed"][s]["test"]["student"]["mean_ratio"] for s in ("0", "1")]
    assert report["summary"]["test"]["student"]["min"] == min(students)
    checkpoints = [tmp_path / p for s in ("0", "1") for p in report["checkpoints"][s].values()]
    main = {"teacher": tmp_path / "runs/chain6/teacher/checkpoint.pt",
            "student": tmp_path / "runs/chain6/student/checkpoint.pt"}
    for s in ("0", "1"):
        # Seed 0 is the main networks' own seed: they are that seed's run, not trained again.
        uses_main_teacher = fixed or s == "0"
        assert (tmp_path / report["checkpoints"][s]["teacher"] == main["teacher"]) == uses_main_teacher
        assert (tmp_path / report["checkpoints"][s]["student"] == main["student"]) == (s == "0")
    mtimes = {p: p.stat().st_mtime_ns for p in checkpoints}

    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert {p: p.stat().st_mtime_ns for p in checkpoints} == mtimes
    assert json.loads((report_dir / "seeds.json").read_text())["per_seed"] == report["per_seed"]

    sweep_file = tmp_path / "runs/chain6/student/sweep.json"
    sweep = json.loads(sweep_file.read_text())
    sweep["selected"]["temperature"] = 4.0  # as if distill had since selected another student
    sweep_file.write_text(json.dumps(sweep))
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "distilled with another (T, alpha)" in result.output


@pytest.mark.slow
def test_a_student_of_other_widths_keeps_them_over_seeds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(budgets.BUDGETS, "default", {"chain6": TINY, "dag10": TINY})
    runner = CliRunner()
    result = runner.invoke(app, ["distill", "--temperature", "2", "--alpha", "0.9", "--hidden", "16x16x16"])
    assert result.exit_code == 0, result.output
    main = load_checkpoint(tmp_path / "runs/chain6/student/checkpoint.pt", "student")
    assert main.net_config["hidden"] == [16, 16, 16]
    result = runner.invoke(app, ["seeds", "--seeds", "0", "1", "--fixed-teacher"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "runs/chain6/report/seeds.json").read_text())
    other = load_checkpoint(tmp_path / report["checkpoints"]["1"]["student"], "student")
    assert other.net_config["hidden"] == [16, 16, 16]


def test_bad_student_widths_are_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["distill", "--hidden", "16x"])
    assert result.exit_code == 2 and "--hidden" in result.output
    assert not (tmp_path / "runs").exists()
