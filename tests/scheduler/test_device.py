from hypothesis import given, strategies as st

from kdoffload.scheduler.device import DeviceCore


def test_a_decision_runs_in_the_first_idle_stretch_that_fits():
    core = DeviceCore()
    core.reserve_subtask(0.0, 1.0)  # [0, 1)
    core.reserve_subtask(1.5, 1.0)  # [1.5, 2.5)
    assert core.first_idle(0.2) == 1.0
    assert core.reserve_decision(1.0, 0.4) == 1.0  # fits the gap [1, 1.5)
    assert core.reserve_decision(1.0, 0.4) == 2.5  # the gap is now too short; and after the last
    assert core.free == 2.9


def test_subtasks_never_use_a_gap():
    core = DeviceCore()
    core.reserve_subtask(5.0, 1.0)
    assert core.reserve_subtask(0.0, 1.0) == 6.0


@given(st.lists(st.tuples(st.booleans(), st.floats(0, 10), st.floats(0.001, 3)), min_size=1, max_size=30))
def test_reservations_never_overlap(ops):
    core = DeviceCore()
    spans, arrival = [], 0.0
    for is_decision, t, length in ops:
        if is_decision:
            arrival += t
            begin = core.reserve_decision(core.first_idle(arrival), length)
            assert begin >= arrival
        else:
            begin = core.reserve_subtask(t, length)
        spans.append((begin, begin + length))
    spans.sort()
    assert all(b[0] >= a[1] for a, b in zip(spans, spans[1:]))
