"""The closed sets of names some options take, as typer choices.

Named here so that `--help` and a mistyped value need not import the libraries that own them
(numpy and torch behind them); tests/kdoffload/test_choices.py holds each equal to its owner's.
"""

from __future__ import annotations

from enum import Enum


class Network(str, Enum):
    """mobile_export.config.MODELS: which network to export."""

    student = "student"
    teacher = "teacher"


class Backend(str, Enum):
    """mobile_export.config.BACKENDS."""

    xnnpack = "xnnpack"
    portable = "portable"


class Quantization(str, Enum):
    """mobile_export.config.QUANTIZATIONS."""

    fp32 = "fp32"
    int8 = "int8"


class Solver(str, Enum):
    """model.dataset.SOLVERS: the exact solvers demonstrations are made with."""

    numpy = "numpy"
    native = "native"


class TraceFormat(str, Enum):
    """scheduler.traces.TraceFormat: formats of a one-direction trace file."""

    mahimahi = "mahimahi"
    throughput = "throughput"
