"""From an eager network to the bytes of a .pte: export, optional int8, lowering.

Batch 1 and static shapes, as the phone calls it. XNNPACK takes every linear layer; without a
partitioner ("portable") the program runs on the portable kernels, 10-100x slower.
"""

from __future__ import annotations

import warnings
from typing import Iterable

import numpy as np
import torch
from torch import nn

from kdoffload.model.nets import OffloadMLP

# torch.export inside executorch 1.5.1 trips torch 2.13's own deprecation of LeafSpec checks, once
# per pytree node: noise to a user, nothing they can act on.
warnings.filterwarnings("ignore", message=r"`isinstance\(treespec, LeafSpec\)` is deprecated")


def lower(module: nn.Module, example_inputs: tuple[torch.Tensor, ...], backend: str) -> bytes:
    """`module` in eval mode (a quantized graph module refuses .eval(), so callers set it)."""
    from executorch.exir import to_edge_transform_and_lower

    partitioner = []
    if backend == "xnnpack":
        from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
        partitioner = [XnnpackPartitioner()]
    program = torch.export.export(module, example_inputs)
    return to_edge_transform_and_lower(program, partitioner=partitioner).to_executorch().buffer


def quantize_int8(net: OffloadMLP, calibration: np.ndarray) -> nn.Module:
    """Static int8 (per-channel weights, per-tensor activations) by the pt2e XNNPACK quantizer.

    calibration: normalised features [S, F]; fed one row at a time, the batch the phone uses.
    """
    rows = torch.from_numpy(np.ascontiguousarray(calibration, dtype=np.float32))
    return quantize_int8_inputs(net, net.example_inputs(), ((row[None],) for row in rows))


def quantize_int8_inputs(module: nn.Module, example_inputs: tuple[torch.Tensor, ...],
                         calibration: Iterable[tuple[torch.Tensor, ...]]) -> nn.Module:
    """`quantize_int8` for any module: `calibration` yields its input tuples, batch 1."""
    from executorch.backends.xnnpack.quantizer.xnnpack_quantizer import (
        XNNPACKQuantizer, get_symmetric_quantization_config)
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    quantizer = XNNPACKQuantizer().set_global(get_symmetric_quantization_config(is_per_channel=True))
    graph = torch.export.export(module.eval(), example_inputs).module()
    prepared = prepare_pt2e(graph, quantizer)
    with torch.no_grad():
        for inputs in calibration:
            prepared(*inputs)
    return convert_pt2e(prepared)


def export_bytes(net: OffloadMLP, backend: str, quantization: str,
                 calibration: np.ndarray | None = None) -> bytes:
    if quantization == "int8":
        if calibration is None or len(calibration) == 0:
            raise ValueError("int8 export needs calibration features")
        return lower(quantize_int8(net, calibration), net.example_inputs(), backend)
    return lower(net.eval(), net.example_inputs(), backend)


class FloorProgram(nn.Module):
    """features [1, F] -> [1, N, 3] with next to no arithmetic: the runtime's own cost per call."""

    def __init__(self, in_features: int, n_subtasks: int):
        super().__init__()
        self.n_subtasks = n_subtasks
        self.pad = max(0, 3 * n_subtasks - in_features)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if self.pad:
            features = nn.functional.pad(features, (0, self.pad))
        # The multiply keeps one delegated op in the graph, so the floor pays what a model pays.
        return (features[:, : 3 * self.n_subtasks] * 1.0).reshape(1, self.n_subtasks, 3)


def floor_bytes(in_features: int, n_subtasks: int, backend: str) -> bytes:
    return lower(FloorProgram(in_features, n_subtasks).eval(), (torch.zeros(1, in_features),), backend)
