"""daggen specs as typed by hand: a repeated key and work out of range are one line, not a warning."""

import warnings

import numpy as np
import pytest

from kdoffload.model import daggen
from kdoffload.model.errors import InputError
from kdoffload.model.graphs import MAX_MAGNITUDE


@pytest.mark.parametrize("spec, words", [
    ("daggen:n=5,n=6", "n: given twice"),
    ("daggen:n=5,seed=1,seed=2", "seed: given twice"),
    ("daggen:n=64,maxdata=1e27,mindata=1e27,ccr=1e-300", "ccr: 1e-300 with maxdata 1e+27 gives a task of inf cycles"),
    ("daggen:n=8,maxdata=1e27,ccr=1e-3", "with maxdata 1e+27 gives a task of 1.2e+33 cycles"),
    ("daggen:n=8,mindata=1e-320,maxdata=1e-320,ccr=1e6", "with maxdata 9.99989e-321 gives a task of 0 cycles"),
])
def test_a_bad_spec_is_refused_naming_the_key(spec, words):
    with pytest.raises(InputError) as err:
        daggen.parse_spec(spec)
    assert str(err.value).startswith(spec) and words in str(err.value), str(err.value)


def test_the_largest_work_a_spec_allows_draws_finite_graphs():
    # maxdata and ccr at the edge of the bound: every task's cycles finite, none above it
    ccr = 8 * 1e27 * 150 / MAX_MAGNITUDE
    params, _ = daggen.parse_spec(f"daggen:n=16,mindata=1e26,maxdata=1e27,ccr={ccr!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning fails the test
        graph = daggen.generate(params, np.random.default_rng(0))
    assert all(0 < c <= MAX_MAGNITUDE for c in graph.workload.cycles)


def test_a_family_table_is_held_to_the_same_bound():
    with pytest.raises(InputError, match="family.daggen: ccr: 1e-300 with maxdata"):
        daggen.params_from_dict({"ccr": 1e-300, "maxdata": 1e27, "mindata": 1e27}, "p.toml: family.daggen")
