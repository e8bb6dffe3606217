import numpy as np
import pytest

from kdoffload.model.profile import load_profile
from kdoffload.model.states import sample_states


@pytest.fixture(scope="session")
def profiles():
    return {name: load_profile(name) for name in ("chain6", "dag10")}


@pytest.fixture(scope="session")
def bench_states(profiles):
    return {name: sample_states(p, 4096, np.random.default_rng(99)) for name, p in profiles.items()}
