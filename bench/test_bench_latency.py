"""One decision (batch 1, one thread) on the Python-side paths (pytest-benchmark).

`make bench` times these; `make test` runs each once with timing disabled so they cannot rot.
The networks have random weights: the cost of an MLP does not depend on its values. The full
comparison, with the native runner, is `kdoffload bench latency`.
"""

import itertools

import numpy as np
import pytest
import torch

from kdoffload.evaluation.latency_paths import OnnxStudent, eager_decision, onnx_missing
from kdoffload.mobile_export.lower import export_bytes
from kdoffload.mobile_export.policy import pte_forward
from kdoffload.mobile_export.runtime import PteProgram
from kdoffload.model.decider import Decider
from kdoffload.model.features import Normalizer, build_features
from kdoffload.model.learned import ARGMAX
from kdoffload.model.nets import OffloadMLP, student_config, teacher_config


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def chain6_models(profiles, bench_states):
    """{"student"/"teacher": (net, normalizer, .pte program)} for chain6."""
    profile = profiles["chain6"]
    features = build_features(profile, bench_states["chain6"])
    normalizer = Normalizer.fit(features)
    torch.manual_seed(0)
    models = {}
    for name, config in (("student", student_config), ("teacher", teacher_config)):
        net = OffloadMLP(config(features.shape[1], profile.n)).eval()
        models[name] = (net, normalizer, PteProgram(export_bytes(net, "xnnpack", "fp32"), name))
    return models


def one_state_at_a_time(states):
    singles = [states[k] for k in range(256)]
    return itertools.cycle(singles)


@pytest.mark.parametrize("model", ["student", "teacher"])
def test_eager_decision(benchmark, profiles, bench_states, chain6_models, model):
    net, normalizer, _ = chain6_models[model]
    decide = eager_decision(profiles["chain6"], net, normalizer)
    states = one_state_at_a_time(bench_states["chain6"])
    benchmark.extra_info.update(unit="per decision", runtime="pytorch eager", threads=1)
    placement = benchmark(lambda: decide(next(states)))
    assert placement.shape == (1, 6)


@pytest.mark.parametrize("model", ["student", "teacher"])
def test_pte_decision(benchmark, profiles, bench_states, chain6_models, model):
    _, normalizer, program = chain6_models[model]
    policy = Decider(profiles["chain6"], normalizer, pte_forward(program), ARGMAX, name=f"{model}-pte")
    states = one_state_at_a_time(bench_states["chain6"])
    benchmark.extra_info.update(unit="per decision", runtime="executorch python", threads=1)
    placement = benchmark(lambda: policy.decide(next(states)))
    assert placement.shape == (1, 6)


@pytest.mark.parametrize("model", ["student", "teacher"])
def test_pte_inference_only(benchmark, chain6_models, model):
    _, _, program = chain6_models[model]
    features = torch.zeros(1, program.input_width)
    benchmark.extra_info.update(unit="per call", runtime="executorch python", threads=1)
    logits = benchmark(program.run, features)
    assert tuple(logits.shape) == (1, 6, 3)


def test_onnxruntime_student_decision(benchmark, profiles, bench_states, chain6_models):
    if onnx_missing():
        pytest.skip(onnx_missing())
    net, normalizer, _ = chain6_models["student"]
    decide = OnnxStudent.of(net).decision(profiles["chain6"], normalizer)
    states = one_state_at_a_time(bench_states["chain6"])
    benchmark.extra_info.update(unit="per decision", runtime="onnxruntime", threads=1)
    placement = benchmark(lambda: decide(next(states)))
    assert np.asarray(placement).shape == (1, 6)
