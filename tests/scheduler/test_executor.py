"""One task alone on idle resources takes exactly T(x) of the delay model."""

import numpy as np
import pytest

from kdoffload.model.delay import delays
from kdoffload.model.policies import Everywhere
from kdoffload.model.profile import DEVICE, EDGE, load_profile
from kdoffload.model.states import sample_states
from kdoffload.scheduler.engines import Engine
from kdoffload.scheduler.executor import Executor, tasks_from_states
from kdoffload.scheduler.network import DynamicNetwork, Static
from kdoffload.scheduler.rates import StepRate
from kdoffload.scheduler.stream import Workload, simulate
from kdoffload.scheduler.engines import DecisionTime
from tests.model.reference import reference_delay, state_dict


@pytest.mark.parametrize("name", ["chain6", "dag10"])
def test_a_task_alone_takes_exactly_the_delay_model(name):
    profile = load_profile(name)
    count = 3000
    states = sample_states(profile, count, np.random.default_rng(7))
    placements = np.random.default_rng(8).integers(0, 3, size=(count, profile.n), dtype=np.int8)
    # Every state's placements also include the three trivial ones, where most sharing happens.
    placements[:3] = [[s] * profile.n for s in (DEVICE, EDGE, 2)]
    expected = delays(profile, states, placements)
    tasks = tasks_from_states(states)
    got = np.array([Executor(profile, Static()).run(k, 0.0, 0.0, 0.0, tasks[k], placements[k]).done
                    for k in range(count)])
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=0)


def test_the_schedule_matches_the_plain_reference_too(dag10):
    states = sample_states(dag10, 200, np.random.default_rng(3))
    placements = np.random.default_rng(4).integers(0, 3, size=(200, dag10.n))
    tasks = tasks_from_states(states)
    for k in range(200):
        done = Executor(dag10, Static()).run(k, 0.0, 0.0, 0.0, tasks[k], placements[k]).done
        assert done == pytest.approx(reference_delay(dag10, state_dict(states, k), placements[k]), rel=1e-9)


@pytest.mark.parametrize("decision", ["zero", "fixed:2500"])
def test_far_apart_tasks_each_take_their_decision_plus_delay(dag10, run_stream, decision):
    arrivals = np.arange(40) * 1e4  # far longer than any task: nothing is shared
    workload, result = run_stream(dag10, "random", arrivals, seed=5, decision=decision)
    placements = np.array([r.planned for r in result.records])
    expected = delays(dag10, workload.states, placements) + DecisionTime.parse(decision).fixed_s
    e2e = np.array([r.done - r.arrival for r in result.records])
    np.testing.assert_allclose(e2e, expected, rtol=1e-9)


def test_a_scaled_task_takes_the_scaled_delay(chain6):
    states = sample_states(chain6, 1, np.random.default_rng(2))
    workload = Workload(np.array([0.0]), states, 1.0, scale=0.01)
    engine = Engine("all-edge", Everywhere(chain6, EDGE))
    result = simulate(chain6, engine, workload, DecisionTime("zero"))
    full = delays(chain6, states, np.full((1, 6), EDGE))[0]
    assert result.records[0].done == pytest.approx(0.01 * full, rel=1e-9)


def test_tasks_queue_for_the_device_core_in_arrival_order(chain6):
    states = sample_states(chain6, 2, np.random.default_rng(0))
    tasks = tasks_from_states(states)
    executor = Executor(chain6, Static())
    first = executor.run(0, 0.0, 0.0, 0.0, tasks[0], [DEVICE] * 6)
    second = executor.run(1, 0.0, 0.0, 0.0, tasks[1], [DEVICE] * 6)
    assert second.run_start[0] == first.run_end[5]  # the one core is held until the first is done


def test_a_constant_trace_gives_the_delay_model_too(dag10):
    # Dynamic rates that never change must give T(x) of a state with those rates.
    states = sample_states(dag10, 300, np.random.default_rng(11))
    states.rate_up[:], states.rate_down[:] = 3.7e6, 1.3e7
    placements = np.random.default_rng(12).integers(0, 3, size=(300, dag10.n))
    network = DynamicNetwork("trace", StepRate([0.0, 5.0], [3.7e6, 3.7e6], 10.0),
                             StepRate([0.0], [1.3e7]))
    tasks = tasks_from_states(states)
    got = [Executor(dag10, network).run(k, 0.0, 0.0, 0.0, tasks[k], placements[k]).done for k in range(300)]
    np.testing.assert_allclose(got, delays(dag10, states, placements), rtol=1e-12, atol=0)


def test_a_transfer_waits_out_a_stall_instead_of_keeping_its_start_rate(chain6):
    states = sample_states(chain6, 1, np.random.default_rng(3))
    states.in_bits[:] = 1e6
    states.lat_wireless[:] = 0.0
    # 10 Mbit/s, then nothing for 0.1 s from 50 ms on, then 10 Mbit/s again.
    network = DynamicNetwork("trace", StepRate([0.0, 0.05, 0.15], [1e7, 0.0, 1e7], 100.0),
                             StepRate([0.0], [4e7]))
    rec = Executor(chain6, network).run(0, 0.0, 0.0, 0.0, tasks_from_states(states)[0], [EDGE] * 6)
    assert rec.ready[0] == pytest.approx(1e6 / 1e7 + 0.1)  # the bits before and after the stall
