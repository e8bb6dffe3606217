"""Python-side decision paths for the latency comparison, each timed one state at a time.

A decision is what the phone does per task: features from the raw state, normalisation, one
inference at batch 1, argmax decoding (the oracle instead solves the state exactly). Every path
sees the same states in the same order.
"""

from __future__ import annotations

import io
import time
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from kdoffload.model import oracle
from kdoffload.model.decider import Decider
from kdoffload.model.features import Normalizer
from kdoffload.model.learned import ARGMAX, net_decider
from kdoffload.model.nets import OffloadMLP
from kdoffload.model.profile import Profile
from kdoffload.model.states import States


def time_each(decide: Callable[[States], object], states: list[States], warmup: int) -> np.ndarray:
    """Microseconds of each call of `decide` on each one-state batch, after `warmup` untimed calls."""
    for k in range(warmup):
        decide(states[k % len(states)])
    samples = np.empty(len(states))
    clock = time.perf_counter_ns
    for k, state in enumerate(states):
        began = clock()
        decide(state)
        samples[k] = clock() - began
    return samples / 1e3


def latency_fields(samples_us: np.ndarray) -> dict:
    """The benchmark app's latency fields (trimmed mean: the middle 80%) plus percentiles in us."""
    ordered = np.sort(samples_us)
    cut = len(ordered) // 10
    middle = ordered[cut : len(ordered) - cut] if len(ordered) > 2 * cut else ordered
    return {"avg_inference_latency(ms)": float(ordered.mean() / 1e3),
            "trimmean_inference_latency(ms)": float(middle.mean() / 1e3),
            "p50_us": float(np.percentile(ordered, 50)), "p90_us": float(np.percentile(ordered, 90)),
            "p99_us": float(np.percentile(ordered, 99)), "min_us": float(ordered[0]),
            "max_us": float(ordered[-1]), "samples": int(len(ordered))}


def oracle_decision(profile: Profile) -> Callable[[States], np.ndarray]:
    return lambda state: oracle.solve(profile, state)[0]


def eager_decision(profile: Profile, net: OffloadMLP, normalizer: Normalizer):
    return net_decider(profile, net, normalizer, "eager").decide


@dataclass
class OnnxStudent:
    """The same network through onnxruntime (CPU provider, one thread), for comparison only."""

    session: object
    load_time_ms: float

    @classmethod
    def of(cls, net: OffloadMLP) -> OnnxStudent:
        import onnxruntime

        buffer = io.BytesIO()
        with warnings.catch_warnings():  # the TorchScript exporter needs no onnxscript; it warns
            warnings.simplefilter("ignore", DeprecationWarning)
            torch.onnx.export(net.eval(), net.example_inputs(), buffer, dynamo=False,
                              input_names=["features"], output_names=["logits"])
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        began = time.perf_counter()
        session = onnxruntime.InferenceSession(buffer.getvalue(), options,
                                               providers=["CPUExecutionProvider"])
        return cls(session, (time.perf_counter() - began) * 1e3)

    def decision(self, profile: Profile, normalizer: Normalizer):
        run = self.session.run
        return Decider(profile, normalizer, lambda features: run(None, {"features": features})[0],
                       ARGMAX, name="onnxruntime").decide


def onnx_missing() -> str | None:
    """Why the onnxruntime path cannot run here, or None."""
    try:
        import onnx  # noqa: F401  (torch.onnx.export writes through it)
        import onnxruntime  # noqa: F401
    except ImportError as err:
        return f"{err.name} not installed (pip install 'kdoffload[compare]')"
    return None
