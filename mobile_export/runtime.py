"""A .pte run through the ExecuTorch Python runtime, one state per call as on the phone."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import numpy as np
import torch


@contextlib.contextmanager
def native_log_quiet():
    """Native log lines (stderr, fd 2) go to /dev/null meanwhile, unless KDOFFLOAD_VERBOSE is set.

    The runtime's log goes straight to the file descriptor, past Python's sys.stderr.
    """
    if os.environ.get("KDOFFLOAD_VERBOSE"):
        yield
        return
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class PteProgram:
    """The `forward` method of a loaded program: normalised features [1, F] -> logits [1, N, 3]."""

    def __init__(self, source: Path | bytes, label: str | None = None):
        from executorch.runtime import Runtime

        self.label = label or (str(source) if isinstance(source, (str, Path)) else "<buffer>")
        started = time.perf_counter()
        data = str(source) if isinstance(source, Path) else source
        with native_log_quiet():
            program = Runtime.get().load_program(data)
            self._method = program.load_method("forward")
        self.load_time_ms = (time.perf_counter() - started) * 1e3
        self._program = program  # the method points into it
        meta = program.metadata("forward")
        self.input_shape = tuple(meta.input_tensor_meta(0).sizes())
        self.output_shape = tuple(meta.output_tensor_meta(0).sizes())

    @property
    def input_width(self) -> int:
        return int(self.input_shape[-1])

    def run(self, *inputs: torch.Tensor) -> torch.Tensor:
        """features [1, F] float32 (or a program's several inputs), contiguous (Method.execute
        ignores strides)."""
        return self._method.execute(inputs)[0]

    def logits(self, features: np.ndarray) -> np.ndarray:
        """[S, F] -> [S, N, 3], one call per row."""
        rows = torch.from_numpy(np.ascontiguousarray(features, dtype=np.float32))
        out = np.empty((len(rows), *self.output_shape[1:]), dtype=np.float32)
        for k in range(len(rows)):
            out[k] = self.run(rows[k : k + 1].contiguous()).numpy()[0]
        return out
