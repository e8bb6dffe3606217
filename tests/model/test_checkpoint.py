import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from kdoffload.model.checkpoint import CHECKPOINT_VERSION, Checkpoint, load_checkpoint, save_checkpoint
from kdoffload.model.errors import InputError
from kdoffload.model.features import Normalizer
from kdoffload.model.nets import OffloadMLP, student_config
from kdoffload.model.train import TrainConfig

# The keys a checkpoint file has always held; runs/ written before `Checkpoint` must still load.
FILE_KEYS = {"kind", "profile", "net_config", "normalizer", "train_config", "split", "epoch",
             "best_score", "best_epoch", "bad_epochs", "history", "version", "state", "optimizer",
             "best_state"}


def _student(profile):
    torch.manual_seed(0)
    net = OffloadMLP(student_config(12, profile.n))
    return net, Normalizer(np.arange(12.0), np.ones(12))


def test_a_file_keeps_its_plain_format_and_reads_back(tmp_path, chain6):
    net, normalizer = _student(chain6)
    start = Checkpoint.start("student", chain6, net, normalizer, TrainConfig(), split={"val": [1, 2]})
    saved = replace(start, last_state=net.state_dict(), optimizer={"lr": 1}, epoch=2, best_score=1.5,
                    history=[{"epoch": 0}])
    save_checkpoint(tmp_path / "c.pt", saved)
    raw = torch.load(tmp_path / "c.pt", weights_only=True)
    assert set(raw) == FILE_KEYS and raw["version"] == CHECKPOINT_VERSION
    assert raw["normalizer"] == normalizer.to_dict() and raw["split"] == {"val": [1, 2]}
    back = load_checkpoint(tmp_path / "c.pt", "student", chain6)
    assert back.epoch == 2 and back.best_score == 1.5 and back.extra == {"split": {"val": [1, 2]}}
    np.testing.assert_array_equal(back.normalizer.mean, normalizer.mean)
    x = torch.randn(4, 12)
    torch.testing.assert_close(back.net()(x), net.eval()(x), rtol=0, atol=0)


def test_progress_starts_fresh_and_is_not_shared(chain6):
    net, normalizer = _student(chain6)
    start = Checkpoint.start("student", chain6, net, normalizer, TrainConfig())
    progress = start.progress()
    progress["history"].append({"epoch": 0})
    assert start.history == [] and progress["best_score"] == math.inf and progress["epoch"] == -1


def test_a_checkpoint_without_weights_is_one_line(tmp_path, chain6):
    torch.save({"version": CHECKPOINT_VERSION, "kind": "teacher", "profile": chain6.to_dict()},
               tmp_path / "c.pt")
    with pytest.raises(InputError, match=r"c\.pt: checkpoint lacks or mangles 'net_config'"):
        load_checkpoint(tmp_path / "c.pt", "teacher", chain6)
