"""The graph student's forward pass through the ExecuTorch Python runtime, one state per call.

Timed at a given graph size (the program always computes all 64 padded rows, so N changes only
the inputs): a burn-in, then `calls` timed calls. These times include the Python binding's own
cost per call (about 25-30 µs on this machine, DESIGN.md), so they bound the native forward
pass from above; the native runner's own timing is the C++ port's.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from kdoffload.distill.graph_data import TRAIN_MIXES, draw_graph_states
from kdoffload.distill.graph_model import load_graph_net
from kdoffload.mobile_export.graph_export import state_tensors
from kdoffload.mobile_export.runtime import PteProgram


def forward_times_us(pte: Path, student: Path, n: int = 50, calls: int = 2000, burn_in: int = 200) -> dict:
    """p50 / p99 / mean µs of one forward call on states of graphs of `n` subtasks."""
    checkpoint = load_graph_net(student, "graph-student")
    inputs = checkpoint.normalizer(draw_graph_states(16, (n, n), seed=41, mixes=TRAIN_MIXES).inputs())
    program = PteProgram(Path(pte))
    rows = [state_tensors(inputs, k) for k in range(len(inputs))]
    for k in range(burn_in):
        program.run(*rows[k % len(rows)])
    times = np.empty(calls)
    for k in range(calls):
        started = time.perf_counter()
        program.run(*rows[k % len(rows)])
        times[k] = time.perf_counter() - started
    times *= 1e6
    return {"n": n, "calls": calls, "p50_us": float(np.median(times)), "p99_us": float(np.quantile(times, 0.99)),
            "mean_us": float(times.mean()), "pte_bytes": Path(pte).stat().st_size}
