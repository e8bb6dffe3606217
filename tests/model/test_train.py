import pytest
import torch
from typer.testing import CliRunner

from kdoffload.cli import app
from kdoffload.model import dataset
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.errors import InputError
from kdoffload.model.profile import Profile, load_profile
from kdoffload.model.train import TrainConfig, expected_regret, train_teacher


@pytest.fixture(scope="module")
def small_demos(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "d.npz"
    return dataset.load(dataset.generate(load_profile("chain6"), 1500, 0, path))


class Interrupted(Exception):
    pass


@pytest.mark.slow
def test_resume_gives_the_same_result_as_an_uninterrupted_run(tmp_path, small_demos):
    profile = small_demos.profile
    cfg = TrainConfig(epochs=4, batch_size=256, seed=3, threads=1, regret_weight=1.0, augment_log_scale=0.5)
    whole = load_checkpoint(train_teacher(profile, small_demos, cfg, tmp_path / "whole"), "teacher")

    def stop_after_two(epoch, record):
        if epoch == 1:
            raise Interrupted

    with pytest.raises(Interrupted):
        train_teacher(profile, small_demos, cfg, tmp_path / "cut", on_epoch=stop_after_two)
    assert load_checkpoint(tmp_path / "cut" / "checkpoint.pt", "teacher").epoch == 1
    resumed = load_checkpoint(train_teacher(profile, small_demos, cfg, tmp_path / "cut", resume=True), "teacher")
    assert resumed.epoch == whole.epoch == 3
    for key, tensor in whole.best_state.items():
        torch.testing.assert_close(resumed.best_state[key], tensor, rtol=0, atol=0)
    assert [h["val_score"] for h in resumed.history] == [h["val_score"] for h in whole.history]


def test_corrupt_checkpoint_is_one_line(tmp_path):
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(b"\x80\x02garbage")
    with pytest.raises(InputError, match="not a readable kdoffload checkpoint"):
        load_checkpoint(path, "teacher")


def test_checkpoint_of_another_profile_is_refused(tmp_path, chain6, dag10):
    path = tmp_path / "checkpoint.pt"
    torch.save({"version": 1, "kind": "teacher", "profile": dag10.to_dict()}, path)
    with pytest.raises(InputError) as err:
        load_checkpoint(path, "teacher", chain6)
    assert "trained for profile dag10 (N=10), not chain6 (N=6)" in str(err.value)
    other_n = Profile("chain6", 5, tuple((i, i + 1) for i in range(4)))
    torch.save({"version": 1, "kind": "teacher", "profile": other_n.to_dict()}, path)
    with pytest.raises(InputError, match=r"\(N=5\), not chain6 \(N=6\)"):
        load_checkpoint(path, "teacher", chain6)


def test_checkpoint_of_the_wrong_kind_is_refused(tmp_path, chain6):
    path = tmp_path / "checkpoint.pt"
    torch.save({"version": 1, "kind": "student", "profile": chain6.to_dict()}, path)
    with pytest.raises(InputError, match="a student checkpoint, expected a teacher"):
        load_checkpoint(path, "teacher", chain6)


def test_cli_reports_a_corrupt_teacher_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    teacher = tmp_path / "runs" / "chain6" / "teacher" / "checkpoint.pt"
    teacher.parent.mkdir(parents=True)
    teacher.write_bytes(b"not a checkpoint")
    data = tmp_path / "runs" / "chain6" / "data" / "train.npz"
    dataset.generate(load_profile("chain6"), 50, 0, data)
    result = CliRunner().invoke(app, ["distill", "--profile", "chain6", "--epochs", "1"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "checkpoint.pt" in result.output


def test_expected_regret_weighs_each_site_by_its_probability():
    regret = torch.tensor([[[0.0, 3.0, 6.0]], [[0.0, 0.0, 0.0]]])  # [B=2, N=1, 3]
    uniform = torch.zeros(2, 1, 3)
    assert expected_regret(uniform, regret).item() == pytest.approx((3.0 + 6.0) / 3 / 2)
    sure_of_cloud = torch.tensor([[[0.0, 0.0, 50.0]], [[0.0, 0.0, 50.0]]])
    assert expected_regret(sure_of_cloud, regret).item() == pytest.approx(6.0 / 2)
