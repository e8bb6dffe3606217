"""The closed sets of names some options take, as typer choices.

Named here so that `--help` and a mistyped value need not import the libraries that own them
(numpy and torch behind them); tests/kdoffload/test_choices.py holds each equal to its owner's.
"""

from __future__ import annotations

from enum import Enum


def _choice(name: str, *values: str) -> type[Enum]:
    """A str Enum whose members are named as their values (what typer lists and parses)."""
    return Enum(name, {value: value for value in values}, type=str)


Network = _choice("Network", "student", "teacher")  # mobile_export.config.MODELS: which network
Backend = _choice("Backend", "xnnpack", "portable")  # mobile_export.config.BACKENDS
Quantization = _choice("Quantization", "fp32", "int8")  # mobile_export.config.QUANTIZATIONS
Solver = _choice("Solver", "numpy", "native")  # model.dataset.SOLVERS: the exact solvers
TraceFormat = _choice("TraceFormat", "mahimahi", "throughput", "pensieve")  # scheduler.traces.TraceFormat
