import pytest
from hypothesis import given, strategies as st

from kdoffload.model.errors import InputError
from kdoffload.scheduler.faults import Windows, make_faults


def test_windows_merge_and_answer_down():
    w = Windows([(5, 6), (1, 2), (1.5, 3)])
    assert list(zip(w.starts, w.ends)) == [(1, 3), (5, 6)]
    assert w.down(1.0) and w.down(2.9) and not w.down(3.0) and not w.down(0.5)


def test_fit_waits_for_the_window_to_end_and_recomputes_a_rate_dependent_length():
    w = Windows([(2, 4), (4.5, 5)])
    assert w.fit(0.0, 1.0) == 0.0
    assert w.fit(1.5, 1.0) == 5.0  # would overlap [2, 4); then [4.5, 5)
    assert w.fit(1.5, lambda s: 0.4 if s >= 4 else 1.0) == 4.0


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.01, 5)), max_size=8),
       st.floats(0, 120), st.floats(0.001, 4))
def test_fit_gives_the_earliest_clear_start(spans, start, length):
    w = Windows([(a, a + d) for a, d in spans])
    s = w.fit(start, length)
    assert s >= start
    assert not any(a < s + length and s < b for a, b in zip(w.starts, w.ends))
    assert s == start or s in w.ends  # it only ever waits for a window to end


def test_random_outages_repeat_per_seed_and_alternate():
    a = Windows(mean_up=10, mean_down=2, seed=3)
    b = Windows(mean_up=10, mean_down=2, seed=3)
    assert a.upto(500) == b.upto(500)
    spans = a.upto(500)
    assert len(spans) > 10 and all(x[1] < y[0] for x, y in zip(spans, spans[1:]))


@pytest.mark.parametrize("edge, links, random, words", [
    (["5"], [], None, "edge outage '5'"),
    (["5:3"], [], None, "START < END"),
    (["a:3"], [], None, "numbers"),
    ([], ["radio:1:2"], None, "wireless, backhaul"),
    ([], [], "0:1", "positive"),
    (["1:2"], [], "5:1", "give one of them"),
])
def test_bad_outages_are_one_line_errors(edge, links, random, words):
    with pytest.raises(InputError, match=words):
        make_faults(edge, links, random, 0)
