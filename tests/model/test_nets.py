"""Teacher and student networks of model/nets.py: sizes, shapes, and the plain-list weights."""

import numpy as np
import pytest
import torch

from kdoffload.model.features import build_features
from kdoffload.model.nets import STUDENT_HIDDEN, TEACHER_HIDDEN, NetConfig, OffloadMLP, student_config, teacher_config
from tests.conftest import states_for


@pytest.fixture(params=["chain6", "dag10"])
def profile(request):
    return request.getfixturevalue(request.param)


def in_features(profile) -> int:
    return build_features(profile, states_for(profile, 1, 0)).shape[1]


def test_teacher_config(profile):
    cfg = teacher_config(in_features(profile), profile.n)
    assert cfg == NetConfig(in_features(profile), profile.n, TEACHER_HIDDEN)
    net = OffloadMLP(cfg)
    widths = (cfg.in_features, *TEACHER_HIDDEN, 3 * profile.n)
    assert net.parameter_count() == sum(a * b + b for a, b in zip(widths[:-1], widths[1:]))


def test_the_default_student_is_the_shipped_width_and_small(profile):
    f, n = in_features(profile), profile.n
    cfg = student_config(f, n)
    assert cfg == NetConfig(f, n, STUDENT_HIDDEN)
    assert student_config(f, n, (48, 48, 48)).hidden == (48, 48, 48)
    count = OffloadMLP(cfg).parameter_count()
    # int8: about a byte a parameter, so the program fits a phone's 32 KB with room for its code.
    assert count < 24 * 1024
    assert count < OffloadMLP(teacher_config(f, n)).parameter_count() / 20


def test_config_round_trips_through_a_dict(profile):
    cfg = student_config(in_features(profile), profile.n)
    d = cfg.to_dict()
    assert d["hidden"] == list(cfg.hidden)
    assert NetConfig.from_dict(d) == cfg


def test_forward_shape_and_example_inputs(profile):
    torch.manual_seed(0)
    net = OffloadMLP(student_config(in_features(profile), profile.n)).eval()
    (example,) = net.example_inputs()
    assert example.shape == (1, in_features(profile)) and example.dtype == torch.float32
    assert net(example).shape == (1, profile.n, 3)
    batch = torch.randn(5, in_features(profile))
    logits = net(batch)
    assert logits.shape == (5, profile.n, 3)
    # Rows are independent: one row alone gives the same logits as in the batch.
    torch.testing.assert_close(net(batch[2:3])[0], logits[2])


def relu_mlp(layers: list[dict], x: np.ndarray) -> np.ndarray:
    for layer in layers:
        x = x @ np.asarray(layer["weight"], dtype=np.float64).T + np.asarray(layer["bias"])
        if layer["activation"] == "relu":
            x = np.maximum(x, 0.0)
        else:
            assert layer["activation"] == "none"
    return x


def test_linear_layers_reproduce_the_forward(profile):
    torch.manual_seed(1)
    net = OffloadMLP(student_config(in_features(profile), profile.n)).eval()
    layers = net.linear_layers()
    assert [layer["activation"] for layer in layers] == ["relu", "relu", "none"]
    x = np.random.default_rng(2).normal(size=(8, in_features(profile))).astype(np.float32)
    with torch.inference_mode():
        expected = net(torch.from_numpy(x)).numpy()
    got = relu_mlp(layers, x.astype(np.float64)).reshape(8, profile.n, 3)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
