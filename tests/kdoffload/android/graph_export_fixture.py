"""A stand-in graph student export for the adb tests: random weights, a real fp32 .pte and its
manifest with golden vectors at N = 5, 8, 12 and 64 (the app's widest graph), as `kdoffload
graph export` writes them, and the same weights as a checkpoint, student.pt (what bench.crossover
runs eagerly beside the .pte).

    python tests/kdoffload/android/graph_export_fixture.py --out DIR [--width 16 --rounds 2 ...]

Made once and kept while its inputs stand: `make graph-fixture`, or pytest's graph_export_fixture,
through fixture_cache.py (the JUnit run and the adb tests share build/test_fixtures/graph_export).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from kdoffload.distill.graph_data import draw_graph_states
from kdoffload.distill.graph_model import GraphCheckpoint, GraphNetConfig, GraphOffloadNet
from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.graph_export import export_graph_student
from kdoffload.model.checkpoint import Checkpoint, save_checkpoint
from kdoffload.model.graph_features import GraphNormalizer

GOLDEN_SIZES = (5, 8, 12, 64)  # golden[3] is a graph of 8 subtasks, the last ones of 64


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--fit-states", type=int, default=100, help="states the normaliser is fitted on")
    parser.add_argument("--verify-states", type=int, default=8)
    parser.add_argument("--golden-sizes", default=",".join(map(str, GOLDEN_SIZES)))
    args = parser.parse_args()
    torch.manual_seed(0)
    normalizer = GraphNormalizer.fit(draw_graph_states(args.fit_states, (5, 20), seed=5).inputs())
    net = GraphOffloadNet(GraphNetConfig(args.width, args.rounds)).eval()
    export_graph_student(GraphCheckpoint(net, normalizer, {}), args.out, ExportConfig(),
                         verify_states=args.verify_states,
                         golden_sizes=tuple(int(n) for n in args.golden_sizes.split(",")))
    save_checkpoint(args.out / "student.pt", Checkpoint("graph-student", {"name": "any-graph"}, net.config.to_dict(),
                                                        normalizer, {}, net.state_dict()))


if __name__ == "__main__":
    main()
