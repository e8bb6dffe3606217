"""A stand-in graph student export for the adb tests: random weights, a real fp32 .pte and its
manifest with golden vectors at N = 5 and 12, as `kdoffload graph export` writes them.

    python tests/kdoffload/android/graph_export_fixture.py --out DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from kdoffload.distill.graph_data import draw_graph_states
from kdoffload.distill.graph_model import GraphCheckpoint, GraphNetConfig, GraphOffloadNet
from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.graph_export import export_graph_student
from kdoffload.model.graph_features import GraphNormalizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    out = parser.parse_args().out
    torch.manual_seed(0)
    normalizer = GraphNormalizer.fit(draw_graph_states(100, (5, 20), seed=5).inputs())
    checkpoint = GraphCheckpoint(GraphOffloadNet(GraphNetConfig(16, 2)).eval(), normalizer, {})
    export_graph_student(checkpoint, out, ExportConfig(), verify_states=8, golden_sizes=(5, 12))


if __name__ == "__main__":
    main()
