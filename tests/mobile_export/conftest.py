"""A random-weight student, a small solved test set and one export of it, shared by the session.

Random weights are enough: the export must reproduce whatever the network computes.
"""

import numpy as np
import pytest
import torch

from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.export import export_model
from kdoffload.model import oracle
from kdoffload.model.checkpoint import Checkpoint, save_checkpoint
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.features import Normalizer, Support, build_features
from kdoffload.model.nets import OffloadMLP, student_config
from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states


def solved(profile, count: int, seed: int) -> Demonstrations:
    states = sample_states(profile, count, np.random.default_rng(seed))
    labels, optimal = oracle.solve(profile, states)
    return Demonstrations(profile, states, build_features(profile, states), labels.astype(np.int8),
                          optimal, {"seed": seed})


@pytest.fixture(scope="session")
def chain6_profile():
    return load_profile("chain6")


@pytest.fixture(scope="session")
def test_demos(chain6_profile):
    return solved(chain6_profile, 600, 11)


@pytest.fixture(scope="session")
def train_demos(chain6_profile):
    return solved(chain6_profile, 2000, 12)


@pytest.fixture(scope="session")
def support(train_demos):
    return Support.fit(train_demos.features)


@pytest.fixture(scope="session")
def student(chain6_profile, test_demos, train_demos):
    torch.manual_seed(3)
    net = OffloadMLP(student_config(test_demos.features.shape[1], chain6_profile.n)).eval()
    return net, Normalizer.fit(train_demos.features)


@pytest.fixture(scope="session")
def exported(chain6_profile, test_demos, student, support, tmp_path_factory):
    """The student exported once (xnnpack, fp32) into a session directory."""
    net, normalizer = student
    out = tmp_path_factory.mktemp("export")
    return export_model(chain6_profile, net, normalizer, support, test_demos, out, ExportConfig())


def write_checkpoint(path, profile, net: OffloadMLP, normalizer: Normalizer, kind: str = "student"):
    """A checkpoint holding `net` as its best and last weights."""
    state = net.state_dict()
    save_checkpoint(path, Checkpoint(kind, profile.to_dict(), net.config.to_dict(), normalizer, {},
                                     state, last_state=state))


def make_run(root, profile, test_states: int = 300):
    """A runs/<profile>/ tree under `root`: random student and teacher checkpoints, test and train splits.

    Returns the profile's run directory.
    """
    from kdoffload.model import dataset
    from kdoffload.model.nets import teacher_config

    run = root / "runs" / profile.name
    test_path = dataset.generate(profile, test_states, 1, run / "data" / "test.npz", workers=1)
    dataset.generate(profile, 2 * test_states, 0, run / "data" / "train.npz", workers=1)
    features = dataset.load(test_path).features
    normalizer = Normalizer.fit(features)
    torch.manual_seed(5)
    for kind, config in (("student", student_config), ("teacher", teacher_config)):
        net = OffloadMLP(config(features.shape[1], profile.n)).eval()
        write_checkpoint(run / kind / "checkpoint.pt", profile, net, normalizer, kind)
    return run
