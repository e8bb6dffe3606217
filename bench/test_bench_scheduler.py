"""Emulation speed of the task scheduler: subtasks executed per second of wall time (one core).

A stream of dag10 tasks, each decided by the random engine (its mix of sites exercises every
resource and copy rule) with decision time zero, so the figure is the scheduler's, not a policy's.
`make test` runs each once on a small stream with timing disabled, so they cannot rot.
"""

import numpy as np
import pytest

from kdoffload.scheduler.engines import DecisionTime, make_engine
from kdoffload.scheduler.executor import Executor, tasks_from_states
from kdoffload.scheduler.network import Static
from kdoffload.scheduler.stream import Scenario, counted_workload, simulate


def _tasks(request, full: int) -> int:
    return 50 if request.config.getoption("benchmark_disable") else full


# Under a moving network every wireless transfer drains across the rate's steps (one bisection of
# prefix sums) and the process is drawn as the run goes: its cost against static rates.
@pytest.mark.parametrize("network", ["static", "gauss-markov", "good-bad"])
def test_stream_of_dag10_tasks(benchmark, profiles, request, network):
    profile = profiles["dag10"]
    workload = counted_workload(profile, _tasks(request, 4000), seed=0).at_rate(0.5)
    subtasks = len(workload.arrivals) * profile.n

    def run():
        engine = make_engine("random", profile, seed=0)
        return simulate(profile, engine, workload, DecisionTime("zero"), Scenario(network=network))

    result = benchmark.pedantic(run, rounds=1 if request.config.getoption("benchmark_disable") else 5,
                                iterations=1, warmup_rounds=0)
    assert len(result.records) == len(workload.arrivals)
    if benchmark.stats:
        median = benchmark.stats.stats.median
        benchmark.extra_info.update(unit="per stream", subtasks=subtasks,
                                    subtasks_per_s=subtasks / median)


def test_executor_alone(benchmark, profiles, bench_states, request):
    """The placement of pre-decided tasks only: the scheduler's core loop."""
    profile, states = profiles["dag10"], bench_states["dag10"]
    count = _tasks(request, len(states))
    tasks = tasks_from_states(states[:count])
    placements = np.random.default_rng(0).integers(0, 3, size=(count, profile.n)).tolist()

    def run():
        executor = Executor(profile, Static())
        for k, (task, x) in enumerate(zip(tasks, placements)):
            executor.run(k, 2.0 * k, 2.0 * k, 2.0 * k, task, x)
        return executor

    benchmark.pedantic(run, rounds=1 if request.config.getoption("benchmark_disable") else 5,
                       iterations=1)
    if benchmark.stats:
        benchmark.extra_info.update(unit="per stream", subtasks=count * profile.n,
                                    subtasks_per_s=count * profile.n / benchmark.stats.stats.median)
