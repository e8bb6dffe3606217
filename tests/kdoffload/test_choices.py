"""Each choice the CLI offers is its owner's set of names, in the owner's order."""

from __future__ import annotations

from kdoffload import choices
from kdoffload.mobile_export import config
from kdoffload.model import dataset
from kdoffload.scheduler import traces


def _names(enum) -> list[str]:
    return [member.value for member in enum]


def test_every_choice_is_its_owners():
    assert _names(choices.Network) == list(config.MODELS)
    assert _names(choices.Backend) == list(config.BACKENDS)
    assert _names(choices.Quantization) == list(config.QUANTIZATIONS)
    assert _names(choices.Solver) == list(dataset.SOLVERS)
    assert _names(choices.TraceFormat) == _names(traces.TraceFormat)
