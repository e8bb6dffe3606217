import numpy as np
import pytest
from hypothesis import settings

from kdoffload.model.profile import Profile, load_profile
from kdoffload.model.states import sample_states
# The bounded sample of slow tests that `make test` runs (tests/slow_sample.py).
from tests.slow_sample import (pytest_addoption, pytest_collection_modifyitems,  # noqa: F401
                               pytest_configure, pytest_report_header)

settings.register_profile("default", deadline=None, max_examples=60, derandomize=True)
settings.load_profile("default")


@pytest.fixture(scope="session")
def chain6():
    return load_profile("chain6")


@pytest.fixture(scope="session")
def dag10():
    return load_profile("dag10")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def random_dag(rng: np.random.Generator, n: int, edge_cores: int = 2) -> Profile:
    """A random DAG in topological order (edges j -> i with j < i)."""
    edges = tuple((j, i) for i in range(1, n) for j in range(i) if rng.random() < 0.35)
    return Profile(f"random{n}", n, tuple(sorted(edges, key=lambda e: (e[1], e[0]))), edge_cores)


def states_for(profile: Profile, count: int, seed: int):
    return sample_states(profile, count, np.random.default_rng(seed))
