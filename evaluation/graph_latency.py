"""The graph student's forward pass, one state per call: through the ExecuTorch Python runtime,
and natively (kdo_bench, where the native core is built).

Timed at a given graph size (the program always computes all 64 padded rows, so N changes only
the inputs): a burn-in, then `calls` timed calls. The Python times include the binding's own
cost per call (about 25-30 µs on this machine, DESIGN.md), so they bound the native forward
pass from above; the native runner first replays the manifest's golden vectors, then times the
program on their inputs, one pinned thread.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from kdoffload.distill.graph_data import TRAIN_MIXES, draw_graph_states
from kdoffload.distill.graph_model import load_graph_net
from kdoffload.mobile_export.graph_export import state_tensors
from kdoffload.mobile_export.runtime import PteProgram
from kdoffload.model import native


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


def native_forward_times_us(pte: Path, calls: int = 5000) -> dict | None:
    """p50 / p99 µs of the forward in C++ (kdo_bench's forward_golden), or None where the runner
    is not built. Raises RuntimeError if the runner refuses the export (its goldens differ)."""
    runner = native.library_path().resolve().parent / "kdo_bench"
    if not runner.is_file():
        return None
    manifest = Path(pte).with_name(Path(pte).name.removesuffix(".pte") + ".manifest.json")
    with tempfile.TemporaryDirectory() as work:
        record = Path(work) / "bench.json"
        done = subprocess.run([str(runner), "--model", str(pte), "--manifest", str(manifest), "--iters", str(calls),
                               "--warmup", str(calls // 10), "--json", str(record)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"kdo_bench refused {pte}: {done.stderr.strip()}")
        timed = json.loads(record.read_text())["decisions"]["graph"]["forward_golden"]
    return {"calls": calls, "p50_us": timed["p50_us"], "p99_us": timed["p99_us"]}
