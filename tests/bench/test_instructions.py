"""Instruction counts per decision (callgrind), the noise-free companion of the timings.

Counts, not times, so they may be asserted: the student through ExecuTorch must cost at most
1.5x the instructions of the same MLP as a plain C++ loop (it costs fewer: XNNPACK's AVX2
kernels against the loop's baseline x86-64 build), and the exact chain DP costs fewer
instructions than one student inference.
"""

import shutil

import pytest

from kdoffload.evaluation.latency_native import build_runner, toolchain_missing
from bench.native import count_instructions

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("valgrind") is None or toolchain_missing() is not None,
                                 reason="needs valgrind and the native toolchain")]

ITERS = 300


@pytest.fixture(scope="module")
def counts(tmp_path_factory):
    runner = build_runner()
    fixture = count_instructions.fixture(tmp_path_factory.mktemp("count"), "chain6")
    return {path: count_instructions.count(runner, fixture, path, ITERS)
            for path in ("pte/argmax", "reference/argmax", "solver/exact")}


def test_student_costs_at_most_1_5x_the_plain_loop(counts):
    assert counts["pte/argmax"] <= 1.5 * counts["reference/argmax"]


def test_chain_dp_costs_less_than_one_student_inference(counts):
    assert 0 < counts["solver/exact"] < counts["pte/argmax"]
