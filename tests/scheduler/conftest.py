import numpy as np
import pytest

from kdoffload.model.states import sample_states
from kdoffload.scheduler.engines import DecisionTime, make_engine
from kdoffload.scheduler.stream import Scenario, Workload, simulate


@pytest.fixture
def run_stream():
    """Simulate `policy` on a workload of `arrivals` with states drawn from `seed`."""

    def run(profile, policy, arrivals, seed=0, decision="zero", scenario=Scenario(), scale=1.0):
        arrivals = np.asarray(arrivals, dtype=float)
        states = sample_states(profile, len(arrivals), np.random.default_rng(seed))
        workload = Workload(arrivals, states, float(arrivals[-1]) + 1.0, scale)
        engine = make_engine(policy, profile, seed)
        return workload, simulate(profile, engine, workload, DecisionTime.parse(decision), scenario)

    return run
