"""The native exact solver as a simulator engine: the oracle's placements, its own C++ time."""

import numpy as np

from model import oracle
from scheduler.engines import make_engine
from tests.conftest import states_for


def test_native_oracle_engine_places_like_the_oracle_and_reports_its_time(dag10):
    states = states_for(dag10, 20, 201)
    engine = make_engine("oracle-native", dag10)
    expected = oracle.solve(dag10, states)[0]
    for k in range(len(states)):
        placement, seconds = engine.decide(states[k])
        assert placement == expected[k].tolist()
        assert seconds > 0


def test_solve_timed_matches_solve(chain6):
    from model import native

    states = states_for(chain6, 100, 202)
    labels, optimal, seconds = native.solve_timed(chain6, states)
    expected_labels, expected_optimal = native.solve(chain6, states)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_array_equal(optimal, expected_optimal)
    assert (seconds > 0).all()
